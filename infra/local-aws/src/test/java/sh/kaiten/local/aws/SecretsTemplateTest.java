package sh.kaiten.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No secret's value is in any function's configuration (where GetFunctionConfiguration shows it):
 * the functions get the secrets' ids and read them from Secrets Manager, and each may read exactly
 * the secrets it is given, nothing else.
 */
class SecretsTemplateTest {
  private static final CloudFormationTemplate TEMPLATE =
      CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of("")));

  @Test
  @SuppressWarnings("unchecked")
  void noFunctionEnvironmentHoldsASecretValue() {
    Set<String> secrets = TEMPLATE.resourcesOfType("AWS::SecretsManager::Secret").keySet();
    assertThat(secrets).containsExactlyInAnyOrder("BootstrapSecret", "AuditDigestKey");
    List<Map<String, Object>> environments = new java.util.ArrayList<>();
    environments.add(TEMPLATE.globals("Function"));
    TEMPLATE
        .resourcesOfType("AWS::Serverless::Function")
        .values()
        .forEach(f -> environments.add(CloudFormationTemplate.properties(f)));
    for (Map<String, Object> properties : environments) {
      Map<String, Object> variables =
          (Map<String, Object>)
              ((Map<String, Object>) properties.getOrDefault("Environment", Map.of()))
                  .getOrDefault("Variables", Map.of());
      variables.forEach(
          (name, value) -> {
            assertThat(String.valueOf(value)).as(name).doesNotContain("resolve:secretsmanager");
            if (value instanceof Map<?, ?> ref
                && secrets.contains(String.valueOf(ref.get("Ref")))) {
              assertThat(name).as("a variable naming a secret holds its id").endsWith("_ID");
            }
          });
    }
    assertThat(
            (Map<String, Object>)
                ((Map<String, Object>) TEMPLATE.globals("Function").get("Environment"))
                    .get("Variables"))
        .containsEntry("KAITEN_SECRETS_SOURCE", "secrets-manager");
  }

  @Test
  void eachFunctionMayReadExactlyTheSecretsItIsGiven() {
    assertThat(given())
        .isEqualTo(
            Map.of(
                "AdminApiFunction", Set.of("BootstrapSecret", "AuditDigestKey"),
                "SchedulerFunction", Set.of("AuditDigestKey"),
                "ConsoleFunction", Set.of("AuditDigestKey")));
    assertThat(readable()).isEqualTo(given());
  }

  /**
   * Tenants' Stripe keys are secrets made at run time under one name prefix: admin-api writes and
   * removes them and never reads one; billing-sync only reads them; no other function touches them.
   */
  @Test
  void tenantsConnectorKeysAreWrittenByAdminApiAndReadOnlyByBillingSync() {
    Map<String, Set<String>> connectorKeys = new TreeMap<>();
    readable(connectorKeys);
    assertThat(connectorKeys)
        .isEqualTo(
            Map.of(
                "AdminApiFunction",
                Set.of(
                    "secretsmanager:CreateSecret",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:DeleteSecret"),
                "BillingSyncFunction",
                Set.of("secretsmanager:GetSecretValue")));
  }

  /** The secrets named by each function's own environment. */
  @SuppressWarnings("unchecked")
  private static Map<String, Set<String>> given() {
    Map<String, Set<String>> given = new TreeMap<>();
    TEMPLATE
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (name, function) -> {
              Map<String, Object> variables =
                  (Map<String, Object>)
                      ((Map<String, Object>)
                              CloudFormationTemplate.properties(function)
                                  .getOrDefault("Environment", Map.of()))
                          .getOrDefault("Variables", Map.of());
              variables
                  .values()
                  .forEach(
                      value -> {
                        if (value instanceof Map<?, ?> ref
                            && TEMPLATE
                                .resourcesOfType("AWS::SecretsManager::Secret")
                                .containsKey(String.valueOf(ref.get("Ref")))) {
                          given
                              .computeIfAbsent(name, n -> new TreeSet<>())
                              .add(String.valueOf(ref.get("Ref")));
                        }
                      });
            });
    return given;
  }

  private static Map<String, Set<String>> readable() {
    return readable(new TreeMap<>());
  }

  /**
   * The secrets each function's policies let it read, by logical id; "*" fails. What a function may
   * do to tenants' connector keys ({@value #CONNECTOR_KEYS}) goes into {@code connectorKeys}.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Set<String>> readable(Map<String, Set<String>> connectorKeys) {
    Map<String, Set<String>> readable = new TreeMap<>();
    TEMPLATE
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (name, function) -> {
              for (Object policy :
                  (List<Object>)
                      CloudFormationTemplate.properties(function)
                          .getOrDefault("Policies", List.of())) {
                if (!(policy instanceof Map<?, ?> document) || !document.containsKey("Statement")) {
                  assertThat(String.valueOf(policy))
                      .as(name + " policy")
                      .doesNotContainIgnoringCase("secret");
                  continue;
                }
                for (Map<String, Object> statement :
                    (List<Map<String, Object>>) document.get("Statement")) {
                  Object action = statement.get("Action");
                  List<String> actions =
                      action instanceof List<?> list
                          ? (List<String>) list
                          : List.of(String.valueOf(action));
                  Object named = statement.get("Resource");
                  if (named instanceof Map<?, ?> sub
                      && String.valueOf(sub.get("Fn::Sub")).endsWith(CONNECTOR_KEYS)) {
                    connectorKeys.computeIfAbsent(name, n -> new TreeSet<>()).addAll(actions);
                    continue;
                  }
                  if (actions.stream()
                      .anyMatch(a -> a.startsWith("secretsmanager:") || a.equals("*"))) {
                    assertThat(actions).as(name).containsExactly("secretsmanager:GetSecretValue");
                    Object resource = statement.get("Resource");
                    for (Object one : resource instanceof List<?> list ? list : List.of(resource)) {
                      assertThat(one)
                          .as(name + " reads a secret by its Ref")
                          .isInstanceOf(Map.class);
                      readable
                          .computeIfAbsent(name, n -> new TreeSet<>())
                          .add(String.valueOf(((Map<String, Object>) one).get("Ref")));
                    }
                  }
                }
              }
            });
    return readable;
  }

  /** The end of the ARN that names every tenant's connector key. */
  private static final String CONNECTOR_KEYS = ":secret:kaiten/connectors/*";
}
