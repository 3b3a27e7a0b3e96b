package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the modules point down, checked on their bytecode: a function never reaches
 * into another function, and the adapters never into a function or what only functions share
 * (runtime, http). kaiten-local is built after every function module (its pom orders the reactor
 * so), so their classes are there to read; the domain's own rules are the domain module's test. The
 * rules themselves are {@link ModuleRules}'.
 */
class ModuleBoundariesTest {
  private static final Path FUNCTIONS =
      Path.of("").toAbsolutePath().resolve("../../functions").normalize();
  private static final List<String> FUNCTION_MODULES =
      List.of(
          "entitlements-api",
          "usage-api",
          "admin-api",
          "console",
          "threshold-evaluator",
          "scheduler",
          "webhook-dispatcher",
          "outbox-publisher",
          "billing-sync");

  private static JavaClasses classesOf(List<String> modules) {
    List<Path> built =
        modules.stream()
            .map(module -> FUNCTIONS.resolve(module).resolve("target/classes"))
            .toList();
    assertThat(built)
        .as("the modules' classes (build them first: mvn verify -pl infra/local -am)")
        .allSatisfy(
            dir ->
                assertThat(Files.isDirectory(dir.resolve("sh/kaiten")))
                    .as(dir.toString())
                    .isTrue());
    return new ClassFileImporter().importPaths(built);
  }

  @Test
  void functionsNeverImportEachOther() {
    JavaClasses functions = classesOf(FUNCTION_MODULES);

    ModuleRules.FUNCTIONS_NEVER_IMPORT_EACH_OTHER.check(functions);
  }

  @Test
  void adaptersNeverImportFunctions() {
    JavaClasses adapters = classesOf(List.of("adapters"));

    ModuleRules.ADAPTERS_NEVER_IMPORT_FUNCTIONS.check(adapters);
  }
}
