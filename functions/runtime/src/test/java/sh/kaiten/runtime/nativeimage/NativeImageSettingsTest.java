package sh.kaiten.runtime.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What native-image would refuse, caught by the unit tests rather than minutes into an image build:
 * a class of ours holding a Random that is not initialized at run time, and an SDK method our
 * substitution names that the SDK no longer has.
 */
class NativeImageSettingsTest {

  private static final String SETTINGS =
      "META-INF/native-image/sh.kaiten/kaiten-runtime/native-image.properties";

  @Test
  void everyClassOfOursHoldingARandomIsInitializedAtRunTime() throws Exception {
    Set<String> holders = new TreeSet<>();
    for (String name : kaitenClasses()) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && Random.class.isAssignableFrom(field.getType())) {
          holders.add(name);
        }
      }
    }

    assertThat(holders)
        .containsExactly(
            "sh.kaiten.domain.access.Ids",
            "sh.kaiten.domain.access.Secrets",
            "sh.kaiten.domain.webhooks.WebhookSecrets");
    assertThat(runTimeInitialized())
        .containsAll(holders)
        .contains("software.amazon.awssdk.services.dynamodb.DynamoDbRetryPolicy");
  }

  @Test
  void theRunTimeInitializedClassesExist() throws Exception {
    for (String name : runTimeInitialized()) {
      assertThat(Class.forName(name, false, getClass().getClassLoader())).isNotNull();
    }
  }

  @Test
  void theSubstitutedChecksumLookupsAreTheSdksOwn() throws Exception {
    Class<?> target = Class.forName("software.amazon.awssdk.checksums.internal.ChecksumProvider");
    List<String> substituted = new ArrayList<>();
    for (Method substitute : Target_ChecksumProvider.class.getDeclaredMethods()) {
      if (substitute.isSynthetic()) {
        continue;
      }
      Method original =
          target.getDeclaredMethod(substitute.getName(), substitute.getParameterTypes());
      assertThat(original.getReturnType()).isEqualTo(substitute.getReturnType());
      assertThat(Modifier.isStatic(original.getModifiers())).isTrue();
      substituted.add(substitute.getName());
    }

    assertThat(substituted)
        .containsExactlyInAnyOrder("createCrtCrc32C", "crc64NvmeCrtImplementation", "crtXxHash");
  }

  private List<String> runTimeInitialized() throws IOException {
    Properties settings = new Properties();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(SETTINGS)) {
      settings.load(in);
    }
    String prefix = "--initialize-at-run-time=";
    return Arrays.stream(settings.getProperty("Args").split("\\s+"))
        .filter(arg -> arg.startsWith(prefix))
        .flatMap(arg -> Arrays.stream(arg.substring(prefix.length()).split(",")))
        .collect(Collectors.toList());
  }

  /**
   * Every class under sh.kaiten on the class path: this module's, the domain's and the adapters'.
   */
  private List<String> kaitenClasses() throws IOException, URISyntaxException {
    List<String> names = new ArrayList<>();
    for (URL root : Collections.list(getClass().getClassLoader().getResources("sh/kaiten"))) {
      if ("jar".equals(root.getProtocol())) {
        names.addAll(classesInJar(root));
        continue;
      }
      Path dir = Path.of(root.toURI());
      Path base = dir.getParent().getParent();
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .filter(f -> f.toString().endsWith(".class"))
            .map(f -> className(base.relativize(f).toString()))
            .forEach(names::add);
      }
    }
    return names;
  }

  private static List<String> classesInJar(URL root) throws IOException {
    String jar = root.getPath().substring("file:".length(), root.getPath().indexOf('!'));
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar)) {
      return zip.stream()
          .map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.startsWith("sh/kaiten/") && n.endsWith(".class"))
          .map(NativeImageSettingsTest::className)
          .collect(Collectors.toList());
    }
  }

  private static String className(String path) {
    return path.substring(0, path.length() - ".class".length())
        .replace('/', '.')
        .replace('\\', '.');
  }
}
