package sh.kaiten.local.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sh.kaiten.local.aws.CloudFormationTemplate;

/**
 * What template.yaml lets each function do, as {@code "service:Action Resource"} grants with the
 * resource's logical id ({@code Table/index/Name} for an index). Inline statements are read as
 * written; SAM policy templates are expanded to the actions SAM gives them (samtranslator's
 * policy_templates.json). A policy this class does not understand is an error, never skipped.
 */
final class PolicyGrants {
  private static final Pattern SUB_VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.[A-Za-z]+)?}");

  private static final String SECRET_ARN =
      ":secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:";

  /** SAM policy templates: their actions, and whether they also cover the table's indexes. */
  private record SamTemplate(String parameter, List<String> actions, boolean indexes) {}

  private static final Map<String, SamTemplate> SAM_TEMPLATES =
      Map.of(
          "DynamoDBCrudPolicy",
              new SamTemplate(
                  "TableName",
                  List.of(
                      "dynamodb:GetItem",
                      "dynamodb:DeleteItem",
                      "dynamodb:PutItem",
                      "dynamodb:Scan",
                      "dynamodb:Query",
                      "dynamodb:UpdateItem",
                      "dynamodb:BatchWriteItem",
                      "dynamodb:BatchGetItem",
                      "dynamodb:DescribeTable",
                      "dynamodb:ConditionCheckItem"),
                  true),
          "DynamoDBReadPolicy",
              new SamTemplate(
                  "TableName",
                  List.of(
                      "dynamodb:GetItem",
                      "dynamodb:Scan",
                      "dynamodb:Query",
                      "dynamodb:BatchGetItem",
                      "dynamodb:DescribeTable"),
                  true),
          "DynamoDBWritePolicy",
              new SamTemplate(
                  "TableName",
                  List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"),
                  true),
          "SQSSendMessagePolicy", new SamTemplate("QueueName", List.of("sqs:SendMessage*"), false),
          "SQSPollerPolicy",
              new SamTemplate(
                  "QueueName",
                  List.of(
                      "sqs:ChangeMessageVisibility",
                      "sqs:ChangeMessageVisibilityBatch",
                      "sqs:DeleteMessage",
                      "sqs:DeleteMessageBatch",
                      "sqs:GetQueueAttributes",
                      "sqs:ReceiveMessage"),
                  false),
          "AWSSecretsManagerGetSecretValuePolicy",
              new SamTemplate("SecretArn", List.of("secretsmanager:GetSecretValue"), false));

  private PolicyGrants() {}

  /** Each function's grants, by the function's logical id. */
  @SuppressWarnings("unchecked")
  static Map<String, Set<String>> of(CloudFormationTemplate template) {
    Map<String, Set<String>> grants = new TreeMap<>();
    template
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (function, resource) -> {
              Set<String> granted = new TreeSet<>();
              Map<String, Object> properties =
                  (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
              Object policies = properties.getOrDefault("Policies", List.of());
              for (Object policy : policies instanceof List<?> list ? list : List.of(policies)) {
                granted.addAll(grantsOf(function, policy));
              }
              grants.put(function, granted);
            });
    return grants;
  }

  @SuppressWarnings("unchecked")
  static List<String> grantsOf(String function, Object policy) {
    if (!(policy instanceof Map<?, ?> map) || map.size() != 1 && !map.containsKey("Statement")) {
      throw new IllegalArgumentException(
          function + ": the IAM check does not know the policy " + policy);
    }
    List<String> grants = new ArrayList<>();
    if (map.containsKey("Statement")) {
      Object statements = map.get("Statement");
      for (Object statement : statements instanceof List<?> list ? list : List.of(statements)) {
        Map<String, Object> s = (Map<String, Object>) statement;
        if (!"Allow".equals(s.get("Effect"))
            || s.containsKey("NotAction")
            || s.containsKey("NotResource")
            || s.containsKey("Condition")) {
          throw new IllegalArgumentException(
              function
                  + ": the IAM check reads Allow statements of Action and"
                  + " Resource only, not "
                  + s);
        }
        for (String action : strings(s.get("Action"))) {
          for (String resource : resources(function, s.get("Resource"))) {
            grants.add(action + " " + resource);
          }
        }
      }
      return grants;
    }
    Map.Entry<String, Object> entry = ((Map<String, Object>) map).entrySet().iterator().next();
    SamTemplate sam = SAM_TEMPLATES.get(entry.getKey());
    if (sam == null) {
      throw new IllegalArgumentException(
          function + ": the IAM check does not know the policy template " + entry.getKey());
    }
    Object argument = ((Map<String, Object>) entry.getValue()).get(sam.parameter());
    for (String resource : resources(function, argument)) {
      for (String action : sam.actions()) {
        grants.add(action + " " + resource);
        if (sam.indexes()) {
          grants.add(action + " " + resource + "/index/*");
        }
      }
    }
    return grants;
  }

  private static List<String> strings(Object value) {
    if (value instanceof String text) {
      return List.of(text);
    }
    return ((List<?>) value).stream().map(String.class::cast).toList();
  }

  /**
   * Logical ids of what a Resource names: !GetAtt X.Arn, !Ref X, !Sub "${X.Arn}/index/name", or
   * "*"; a secret's ARN by name (!Sub "arn:...:secret:prefix/*") is its name.
   */
  @SuppressWarnings("unchecked")
  private static List<String> resources(String function, Object value) {
    if (value instanceof List<?> list) {
      return list.stream().flatMap(v -> resources(function, v).stream()).toList();
    }
    if ("*".equals(value)) {
      return List.of("*");
    }
    if (value instanceof Map<?, ?> map && map.size() == 1) {
      Object ref = map.get("Ref");
      if (ref instanceof String id) {
        return List.of(id);
      }
      if (map.get("Fn::GetAtt") instanceof List<?> getAtt) {
        return List.of((String) getAtt.get(0));
      }
      if (map.get("Fn::Sub") instanceof String sub) {
        int secret = sub.indexOf(SECRET_ARN);
        if (sub.startsWith("arn:") && secret > 0) {
          // Secrets the functions make at run time (connector keys), named by a prefix: the
          // calls are recorded by secret name.
          return List.of(sub.substring(secret + SECRET_ARN.length()));
        }
        Matcher matcher = SUB_VARIABLE.matcher(sub);
        if (matcher.find() && matcher.start() == 0) {
          return List.of(matcher.group(1) + sub.substring(matcher.end()));
        }
      }
    }
    throw new IllegalArgumentException(
        function + ": the IAM check cannot tell which resource " + value + " is");
  }
}
