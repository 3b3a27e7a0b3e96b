package sh.kaiten.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import sh.kaiten.local.aws.LoopbackServers;

/**
 * The JDK reads its HTTP server settings once, when the process makes its first server, so every
 * server of kaiten-local's process comes from {@link LoopbackServers}, which turns Nagle's
 * algorithm off first. One made elsewhere, first, left every Runtime API with Nagle on.
 */
class OneWayToMakeServersTest {
  private static final ArchRule ONLY_LOOPBACK_SERVERS_MAKE_SERVERS =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName(LoopbackServers.class.getName())
          .should()
          .callMethod(HttpServer.class, "create", InetSocketAddress.class, int.class)
          .orShould()
          .callMethod(HttpServer.class, "create")
          .because("the JDK reads nodelay once, when the process makes its first server");

  @Test
  void kaitenLocalsServersAllComeFromLoopbackServers() {
    EvaluationResult result =
        ONLY_LOOPBACK_SERVERS_MAKE_SERVERS.evaluate(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("sh.kaiten.local"));

    assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    assertThat(LoopbackServers.noDelay()).isTrue();
  }

  @Test
  void aServerMadeElsewhereBreaksTheRule() {
    EvaluationResult result =
        ONLY_LOOPBACK_SERVERS_MAKE_SERVERS.evaluate(
            new ClassFileImporter().importClasses(MakesItsOwn.class));

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains(MakesItsOwn.class.getName());
  }

  static final class MakesItsOwn {
    HttpServer server() throws IOException {
      return HttpServer.create(new InetSocketAddress(0), 0);
    }
  }
}
