package sh.kaiten.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.archfixture.cycle.one.First;
import sh.kaiten.domain.archfixture.cycle.two.Second;
import sh.kaiten.domain.archfixture.io.ReadsAFile;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The domain's rules fail on a deliberate violation: each is evaluated on test-only classes that
 * break it ({@code archfixture}, which {@link DomainArchitectureTest} does not read), and on a
 * clean class that keeps them.
 */
class DomainRulesTest {

  @Test
  void aCycleBetweenTwoPackagesBreaksTheTree() {
    JavaClasses cycle = new ClassFileImporter().importClasses(First.class, Second.class);

    EvaluationResult result = DomainRules.PACKAGES_FORM_A_TREE.evaluate(cycle);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("Rule 'the domain's packages should be free of cycles' was violated (1 times)")
        .containsPattern(
            "Cycle detected: Slice archfixture\\.cycle\\.one ->\\s+Slice archfixture\\.cycle\\.two ->\\s+Slice archfixture\\.cycle\\.one");
  }

  @Test
  void aDomainClassDoingIoBreaksPlainJava() {
    JavaClasses io = new ClassFileImporter().importClasses(ReadsAFile.class);

    EvaluationResult result = DomainRules.PLAIN_JAVA_ONLY.evaluate(io);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString())
        .contains("because the domain is plain Java: no AWS, no Quarkus, no I/O (README, Modules)")
        .contains(
            "Method <"
                + ReadsAFile.class.getName()
                + ".read(java.nio.file.Path)> calls method "
                + "<java.nio.file.Files.readString(java.nio.file.Path)>");
  }

  @Test
  void aPlainDomainClassKeepsBothRules() {
    JavaClasses plain = new ClassFileImporter().importClasses(PageRequest.class);

    assertThat(DomainRules.PACKAGES_FORM_A_TREE.evaluate(plain).hasViolation()).isFalse();
    assertThat(DomainRules.PLAIN_JAVA_ONLY.evaluate(plain).hasViolation()).isFalse();
  }
}
