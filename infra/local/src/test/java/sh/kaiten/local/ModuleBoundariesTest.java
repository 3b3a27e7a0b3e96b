package sh.kaiten.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.Slice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the modules point down, checked on their bytecode: a function never reaches
 * into another function, and the adapters never into a function or what only functions share
 * (runtime, http). kaiten-local is built after every function module (its pom orders the reactor
 * so), so their classes are there to read; the domain's own rules are the domain module's test.
 */
class ModuleBoundariesTest {
  private static final Path FUNCTIONS =
      Path.of("").toAbsolutePath().resolve("../../functions").normalize();
  private static final List<String> FUNCTION_MODULES =
      List.of(
          "entitlements-api",
          "usage-api",
          "admin-api",
          "threshold-evaluator",
          "scheduler",
          "webhook-dispatcher",
          "outbox-publisher");

  /** Each function's own package under sh.kaiten. */
  private static final Set<String> FUNCTION_PACKAGES =
      Set.of("entitlements", "usage", "admin", "thresholds", "scheduler", "webhooks", "outbox");

  /** The functions' packages, and what the functions share above the adapters. */
  private static final String[] FUNCTION_SIDE = {
    "sh.kaiten.entitlements..",
    "sh.kaiten.usage..",
    "sh.kaiten.admin..",
    "sh.kaiten.thresholds..",
    "sh.kaiten.scheduler..",
    "sh.kaiten.webhooks..",
    "sh.kaiten.outbox..",
    "sh.kaiten.runtime..",
    "sh.kaiten.http.."
  };

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

    // What the functions use below them (domain, adapters, runtime, http) is read too, and left out
    // here.
    slices()
        .matching("sh.kaiten.(*)..")
        .that(
            DescribedPredicate.describe(
                "are functions", (Slice slice) -> FUNCTION_PACKAGES.contains(slice.getNamePart(1))))
        .as("the functions")
        .should()
        .notDependOnEachOther()
        .because(
            "each function is its own Lambda; what two share belongs in runtime, http or the domain")
        .check(functions);
  }

  @Test
  void adaptersNeverImportFunctions() {
    JavaClasses adapters = classesOf(List.of("adapters"));

    noClasses()
        .that()
        .resideInAPackage("sh.kaiten.adapters..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(FUNCTION_SIDE)
        .because("the adapters sit below the functions: ports' implementations, not their callers")
        .check(adapters);
  }
}
