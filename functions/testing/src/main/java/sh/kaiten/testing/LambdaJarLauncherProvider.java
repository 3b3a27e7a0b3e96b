package sh.kaiten.testing;

import io.quarkus.test.common.ArtifactLauncher;
import io.quarkus.test.junit.launcher.ArtifactLauncherProvider;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Lets {@code @QuarkusIntegrationTest}s run a JVM function as Lambda's java21 runtime runs it: the
 * artifact type {@value #TYPE} (failsafe sets {@code quarkus.test.integration-test-artifact-type}
 * to it, functions/pom.xml) launches {@link LambdaJarLauncher}. Quarkus' own jar launcher runs
 * {@code java -jar}, which in a JVM Lambda build starts the application but never polls for
 * invocations: only a native build polls by itself; a JVM build is driven by the runtime's handler.
 */
public class LambdaJarLauncherProvider implements ArtifactLauncherProvider {
  static final String TYPE = "lambda-jar";

  @Override
  public boolean supportsArtifactType(String type, String testProfile) {
    return TYPE.equals(type);
  }

  @Override
  public ArtifactLauncher<?> create(CreateContext context) {
    String jar = context.quarkusArtifactProperties().getProperty("path");
    if (jar == null) {
      throw new IllegalStateException(
          "no packaged jar in quarkus-artifact.properties: was the function built?");
    }
    Path functionZip = context.buildOutputDirectory().resolve("function.zip");
    Duration wait =
        ConfigProvider.getConfig()
            .getOptionalValue("quarkus.test.wait-time", Duration.class)
            .orElse(Duration.ofMinutes(1));
    return new LambdaJarLauncher(
        functionZip,
        context.buildOutputDirectory().resolve("lambda-it"),
        context.devServicesLaunchResult().properties(),
        wait);
  }
}
