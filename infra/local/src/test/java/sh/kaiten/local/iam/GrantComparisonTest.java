package sh.kaiten.local.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantComparisonTest {

  @Test
  void aCallNoGrantCoversAndAGrantNoCallUsesAreBothFindings() {
    Set<String> granted = Set.of("dynamodb:GetItem CatalogTable", "dynamodb:PutItem AuditTable");
    Set<String> called =
        Set.of("dynamodb:GetItem CatalogTable", "dynamodb:DeleteItem CatalogTable");

    assertThat(GrantComparison.findings("AdminApiFunction", granted, called, Map.of(), true))
        .containsExactly(
            "AdminApiFunction calls dynamodb:DeleteItem CatalogTable but template.yaml does not grant it",
            "AdminApiFunction is granted dynamodb:PutItem AuditTable but none of its tests uses it");
  }

  @Test
  void grantsAndCallsThatAgreeAreNoFinding() {
    Set<String> both =
        Set.of("dynamodb:Query UsageTable/index/by-closing", "sqs:SendMessage EventsQueue");

    assertThat(GrantComparison.findings("SchedulerFunction", both, both, Map.of(), true)).isEmpty();
  }

  @Test
  void anAllowedGrantIsNoFindingButAnAllowedCallStillNeedsItsGrant() {
    Map<String, String> allowed =
        Map.of("SchedulerFunction secretsmanager:GetSecretValue AuditDigestKey", "why");

    assertThat(
            GrantComparison.findings(
                "SchedulerFunction",
                Set.of("secretsmanager:GetSecretValue AuditDigestKey"),
                Set.of(),
                allowed,
                true))
        .isEmpty();
    assertThat(
            GrantComparison.findings(
                "AdminApiFunction",
                Set.of("secretsmanager:GetSecretValue AuditDigestKey"),
                Set.of(),
                allowed,
                true))
        .containsExactly(
            "AdminApiFunction is granted secretsmanager:GetSecretValue AuditDigestKey but none of its tests uses it");
  }

  @Test
  void aPartialTestRunLooksOnlyForCallsWithoutAGrant() {
    assertThat(
            GrantComparison.findings(
                "UsageApiFunction",
                Set.of("dynamodb:PutItem AuditTable"),
                Set.of("sqs:SendMessage ThresholdsQueue"),
                Map.of(),
                false))
        .containsExactly(
            "UsageApiFunction calls sqs:SendMessage ThresholdsQueue but template.yaml does not grant it");
  }

  @Test
  void wildcardsMatchAsIamMatchesThem() {
    assertThat(
            GrantComparison.covers("sqs:SendMessage* EventsQueue", "sqs:SendMessage EventsQueue"))
        .isTrue();
    assertThat(
            GrantComparison.covers(
                "dynamodb:Query UsageTable/index/*", "dynamodb:Query UsageTable/index/by-closing"))
        .isTrue();
    // A table's grant is not its indexes' grant, nor another table's whose name starts the same.
    assertThat(
            GrantComparison.covers(
                "dynamodb:Query UsageTable", "dynamodb:Query UsageTable/index/by-closing"))
        .isFalse();
    assertThat(GrantComparison.covers("dynamodb:Query Usage", "dynamodb:Query UsageTable"))
        .isFalse();
    assertThat(
            GrantComparison.covers("dynamodb:Get* CatalogTable", "dynamodb:GetItem CatalogTable"))
        .isTrue();
    assertThat(
            GrantComparison.covers(
                "dynamodb:GetItem CatalogTable", "dynamodb:GetItems CatalogTable"))
        .isFalse();
  }

  @Test
  void inlineStatementsAreReadPerActionAndResource() {
    Object policy =
        Map.of(
            "Statement",
            List.of(
                Map.of(
                    "Effect",
                    "Allow",
                    "Action",
                    List.of("dynamodb:Query", "dynamodb:PutItem"),
                    "Resource",
                    List.of(
                        Map.of("Fn::GetAtt", List.of("AuditTable", "Arn")),
                        Map.of("Fn::Sub", "${AuditTable.Arn}/index/by-instance")))));

    assertThat(PolicyGrants.grantsOf("AdminApiFunction", policy))
        .containsExactly(
            "dynamodb:Query AuditTable", "dynamodb:Query AuditTable/index/by-instance",
            "dynamodb:PutItem AuditTable", "dynamodb:PutItem AuditTable/index/by-instance");
  }

  @Test
  void samPolicyTemplatesExpandToTheActionsSamGivesThem() {
    assertThat(
            PolicyGrants.grantsOf(
                "F",
                Map.of("DynamoDBReadPolicy", Map.of("TableName", Map.of("Ref", "CatalogTable")))))
        .containsExactly(
            "dynamodb:GetItem CatalogTable", "dynamodb:GetItem CatalogTable/index/*",
            "dynamodb:Scan CatalogTable", "dynamodb:Scan CatalogTable/index/*",
            "dynamodb:Query CatalogTable", "dynamodb:Query CatalogTable/index/*",
            "dynamodb:BatchGetItem CatalogTable", "dynamodb:BatchGetItem CatalogTable/index/*",
            "dynamodb:DescribeTable CatalogTable", "dynamodb:DescribeTable CatalogTable/index/*");
    assertThat(
            PolicyGrants.grantsOf(
                "F",
                Map.of(
                    "SQSSendMessagePolicy",
                    Map.of(
                        "QueueName", Map.of("Fn::GetAtt", List.of("EventsQueue", "QueueName"))))))
        .containsExactly("sqs:SendMessage* EventsQueue");
  }

  @Test
  void aPolicyTheCheckDoesNotKnowIsAnErrorNotSkipped() {
    assertThatThrownBy(() -> PolicyGrants.grantsOf("F", "AmazonDynamoDBFullAccess"))
        .hasMessage("F: the IAM check does not know the policy AmazonDynamoDBFullAccess");
    assertThatThrownBy(
            () -> PolicyGrants.grantsOf("F", Map.of("S3CrudPolicy", Map.of("BucketName", "b"))))
        .hasMessage("F: the IAM check does not know the policy template S3CrudPolicy");
    assertThatThrownBy(
            () ->
                PolicyGrants.grantsOf(
                    "F",
                    Map.of(
                        "Statement",
                        List.of(
                            Map.of("Effect", "Deny", "Action", "dynamodb:*", "Resource", "*")))))
        .hasMessageStartingWith(
            "F: the IAM check reads Allow statements of Action and Resource only");
  }
}
