package sh.kaiten.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The audit table is append-only by IAM: every function may put records, none may update or delete
 * them, and only admin-api (queries, verify), scheduler (hourly digests), the console (an
 * instance's latest reports) and billing-sync (a closed period's reports, replayed to Stripe, and
 * nothing else: it writes no record of its own) may read them. Read from template.yaml itself, so a
 * policy that widens any of this fails the build.
 */
class AuditTrailTemplateTest {
  private static final Set<String> READS =
      Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan");

  @Test
  void noFunctionCanChangeOrDeleteAnAuditRecordAndOnlyFourCanReadThem() {
    Map<String, Set<String>> grants =
        auditGrants(CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))));

    assertThat(grants)
        .containsOnlyKeys(
            "EntitlementsApiFunction",
            "UsageApiFunction",
            "AdminApiFunction",
            "SchedulerFunction",
            "WebhookDispatcherFunction",
            "ConsoleFunction",
            "BillingSyncFunction");
    assertThat(grants.get("ConsoleFunction"))
        .containsExactlyInAnyOrder("dynamodb:PutItem", "dynamodb:Query");
    assertThat(grants.get("BillingSyncFunction")).containsExactly("dynamodb:Query");
    grants.forEach(
        (function, actions) ->
            assertThat(actions).as(function).isSubsetOf("dynamodb:PutItem", "dynamodb:Query"));
    grants.forEach(
        (function, actions) -> {
          if (!function.equals("BillingSyncFunction")) {
            assertThat(actions).as(function).contains("dynamodb:PutItem");
          }
          if (actions.stream().anyMatch(READS::contains)) {
            assertThat(function)
                .isIn(
                    "AdminApiFunction",
                    "SchedulerFunction",
                    "ConsoleFunction",
                    "BillingSyncFunction");
          }
        });
  }

  @Test
  void aGrantThatCouldChangeRecordsIsSeen() {
    CloudFormationTemplate template =
        CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of("")));
    widen(
        template,
        "UsageApiFunction",
        List.of("dynamodb:UpdateItem"),
        Map.of("Fn::GetAtt", List.of("AuditTable", "Arn")));
    widen(template, "ThresholdEvaluatorFunction", List.of("dynamodb:*"), "*");

    Map<String, Set<String>> grants = auditGrants(template);

    assertThat(grants.get("UsageApiFunction")).contains("dynamodb:UpdateItem");
    assertThat(grants.get("ThresholdEvaluatorFunction")).containsExactly("dynamodb:*");
  }

  /**
   * What each function may do on the audit table: statements naming it (by ARN, index ARN or "*").
   */
  @SuppressWarnings("unchecked")
  static Map<String, Set<String>> auditGrants(CloudFormationTemplate template) {
    Map<String, Set<String>> grants = new TreeMap<>();
    template
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (name, function) -> {
              Map<String, Object> properties = CloudFormationTemplate.properties(function);
              for (Object policy : (List<Object>) properties.getOrDefault("Policies", List.of())) {
                if (!(policy instanceof Map<?, ?> document) || !document.containsKey("Statement")) {
                  // a SAM policy template (DynamoDBCrudPolicy and the like) naming the table grants
                  // too much to tell
                  assertThat(String.valueOf(policy))
                      .as(name + " policy")
                      .doesNotContain("AuditTable");
                  continue;
                }
                for (Map<String, Object> statement :
                    (List<Map<String, Object>>) document.get("Statement")) {
                  if ("Allow".equals(statement.get("Effect"))
                      && namesAuditTable(statement.get("Resource"))) {
                    Object action = statement.get("Action");
                    grants
                        .computeIfAbsent(name, n -> new TreeSet<>())
                        .addAll(
                            action instanceof List<?> list
                                ? (List<String>) list
                                : List.of(String.valueOf(action)));
                  }
                }
              }
            });
    return grants;
  }

  private static boolean namesAuditTable(Object resource) {
    if (resource instanceof List<?> list) {
      return list.stream().anyMatch(AuditTrailTemplateTest::namesAuditTable);
    }
    String text = String.valueOf(resource);
    return text.equals("*") || text.contains("AuditTable");
  }

  @SuppressWarnings("unchecked")
  private static void widen(
      CloudFormationTemplate template, String function, List<String> actions, Object resource) {
    Map<String, Object> properties =
        CloudFormationTemplate.properties(template.resources().get(function));
    List<Object> policies = (List<Object>) properties.get("Policies");
    Map<String, Object> document = (Map<String, Object>) policies.get(0);
    List<Object> statements = new ArrayList<>((List<Object>) document.get("Statement"));
    statements.add(Map.of("Effect", "Allow", "Action", actions, "Resource", resource));
    document.put("Statement", statements);
  }
}
