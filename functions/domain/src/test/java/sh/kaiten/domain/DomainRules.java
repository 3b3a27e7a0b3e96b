package sh.kaiten.domain;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.io.ByteArrayOutputStream;

/**
 * The domain's rules, defined once: {@link DomainArchitectureTest} holds the domain to them, and
 * {@link DomainRulesTest} shows each one failing on a class that breaks it.
 *
 * <p>Jackson stays in on purpose: a CONFIG entitlement's value and an event's {@code data} are JSON
 * documents, and {@code JsonNode} is their in-memory form. What an event says is part of the
 * product's contract (the event catalog), the same for the outbox, the webhooks and the tests, so
 * the domain builds event payloads ({@code events.data.EventData}); adapters only turn the trees
 * into bytes. Jackson's annotations, which name wire fields, stay out.
 */
final class DomainRules {
  private DomainRules() {}

  /** Shared types (such as {@code paging}) sit below the features that use them. */
  static final ArchRule PACKAGES_FORM_A_TREE =
      slices()
          .matching("sh.kaiten.domain.(**)")
          .as("the domain's packages")
          .should()
          .beFreeOfCycles();

  /** Nothing outside plain Java but the JSON tree model and the JSON Schema validator. */
  static final ArchRule PLAIN_JAVA_ONLY =
      classes()
          .that()
          .resideInAPackage("sh.kaiten.domain..")
          .should()
          .onlyDependOnClassesThat(
              resideInAnyPackage(
                      "sh.kaiten.domain..",
                      "java.lang..",
                      "java.util..",
                      "java.time..",
                      "java.math..",
                      "java.security..",
                      "java.nio.charset..",
                      "javax.crypto..",
                      "com.fasterxml.jackson.core..",
                      "com.fasterxml.jackson.databind..",
                      "com.networknt.schema..")
                  // Canonical builds the bytes it hashes in memory.
                  .or(type(ByteArrayOutputStream.class)))
          .because("the domain is plain Java: no AWS, no Quarkus, no I/O (README, Modules)");
}
