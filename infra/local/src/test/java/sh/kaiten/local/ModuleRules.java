package sh.kaiten.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slice;
import java.util.Set;

/**
 * The rules between the modules, defined once: {@link ModuleBoundariesTest} holds the built modules
 * to them, and {@link ModuleRulesTest} shows each one failing on classes that break it.
 */
final class ModuleRules {
  private ModuleRules() {}

  /** Each function's own package under sh.kaiten. */
  private static final Set<String> FUNCTION_PACKAGES =
      Set.of(
          "entitlements",
          "usage",
          "admin",
          "console",
          "thresholds",
          "scheduler",
          "webhooks",
          "outbox",
          "billing");

  /** The functions' packages, and what the functions share above the adapters. */
  private static final String[] FUNCTION_SIDE = {
    "sh.kaiten.entitlements..",
    "sh.kaiten.usage..",
    "sh.kaiten.admin..",
    "sh.kaiten.console..",
    "sh.kaiten.thresholds..",
    "sh.kaiten.scheduler..",
    "sh.kaiten.webhooks..",
    "sh.kaiten.outbox..",
    "sh.kaiten.billing..",
    "sh.kaiten.runtime..",
    "sh.kaiten.http.."
  };

  /**
   * What the functions use below them (domain, adapters, runtime, http) may be read too: it is left
   * out.
   */
  static final ArchRule FUNCTIONS_NEVER_IMPORT_EACH_OTHER =
      slices()
          .matching("sh.kaiten.(*)..")
          .that(
              DescribedPredicate.describe(
                  "are functions",
                  (Slice slice) -> FUNCTION_PACKAGES.contains(slice.getNamePart(1))))
          .as("the functions")
          .should()
          .notDependOnEachOther()
          .because(
              "each function is its own Lambda; what two share belongs in runtime, http or the domain");

  static final ArchRule ADAPTERS_NEVER_IMPORT_FUNCTIONS =
      noClasses()
          .that()
          .resideInAPackage("sh.kaiten.adapters..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(FUNCTION_SIDE)
          .because(
              "the adapters sit below the functions: ports' implementations, not their callers");
}
