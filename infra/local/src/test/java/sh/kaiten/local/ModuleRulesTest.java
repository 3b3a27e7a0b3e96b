package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.boundaryfixture.CallsUp;
import sh.kaiten.adapters.boundaryfixture.StaysBelow;
import sh.kaiten.admin.boundaryfixture.AdminSide;
import sh.kaiten.usage.boundaryfixture.UsageSide;

/**
 * The module rules fail on a deliberate violation: each is evaluated on test-only classes that
 * break it ({@code boundaryfixture} packages, which no module's build holds), and keeps quiet on
 * classes that do not.
 */
class ModuleRulesTest {

  @Test
  void aFunctionReachingIntoAnotherBreaksTheBoundary() {
    JavaClasses functions = new ClassFileImporter().importClasses(AdminSide.class, UsageSide.class);

    EvaluationResult result = ModuleRules.FUNCTIONS_NEVER_IMPORT_EACH_OTHER.evaluate(functions);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains(
            "the functions should not depend on each other, because each function is its own Lambda")
        .contains(
            "Method <"
                + AdminSide.class.getName()
                + ".reportsOf("
                + UsageSide.class.getName()
                + ")> calls method <"
                + UsageSide.class.getName()
                + ".reports()>");
  }

  @Test
  void anAdapterCallingUpIntoAFunctionBreaksTheBoundary() {
    JavaClasses adapters = new ClassFileImporter().importClasses(CallsUp.class, AdminSide.class);

    EvaluationResult result = ModuleRules.ADAPTERS_NEVER_IMPORT_FUNCTIONS.evaluate(adapters);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("because the adapters sit below the functions")
        .contains(
            "Method <"
                + CallsUp.class.getName()
                + ".function()> has return type <"
                + AdminSide.class.getName()
                + ">");
  }

  @Test
  void aFunctionAndAnAdapterEachInTheirPlaceKeepBothRules() {
    JavaClasses alone = new ClassFileImporter().importClasses(UsageSide.class, StaysBelow.class);

    assertThat(ModuleRules.FUNCTIONS_NEVER_IMPORT_EACH_OTHER.evaluate(alone).hasViolation())
        .isFalse();
    assertThat(ModuleRules.ADAPTERS_NEVER_IMPORT_FUNCTIONS.evaluate(alone).hasViolation())
        .isFalse();
  }
}
