package sh.kaiten.domain;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The domain's shape, checked on its bytecode (its main classes, not these tests): its packages
 * form a tree, and it reaches nothing outside plain Java but the JSON tree model and the JSON
 * Schema validator ({@link DomainRules}, where the reasons are).
 */
@AnalyzeClasses(packages = "sh.kaiten.domain", importOptions = ImportOption.DoNotIncludeTests.class)
class DomainArchitectureTest {

  @ArchTest static final ArchRule packagesFormATree = DomainRules.PACKAGES_FORM_A_TREE;

  @ArchTest static final ArchRule plainJavaOnly = DomainRules.PLAIN_JAVA_ONLY;
}
