package sh.kaiten.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What keeps a deployment standing and watched, read from template.yaml: floods held off (API
 * throttling, reserved concurrency, bounded queue consumers), every dead-letter queue and the API's
 * 5xx alarmed, access logs on, and an audit trail that outlives its stack.
 */
class OperationsTemplateTest {
  private static final CloudFormationTemplate TEMPLATE =
      CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of("")));

  @Test
  @SuppressWarnings("unchecked")
  void theHttpApiIsThrottledByParametersAndLogsEveryRequest() {
    Map<String, Object> api =
        CloudFormationTemplate.properties(TEMPLATE.resources().get("KaitenHttpApi"));
    assertThat((Map<String, Object>) api.get("DefaultRouteSettings"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ThrottlingRateLimit", Map.of("Ref", "ApiThrottlingRateLimit"),
                "ThrottlingBurstLimit", Map.of("Ref", "ApiThrottlingBurstLimit")));
    assertThat(TEMPLATE.section("Parameters"))
        .containsKeys("ApiThrottlingRateLimit", "ApiThrottlingBurstLimit");

    Map<String, Object> logs = (Map<String, Object>) api.get("AccessLogSettings");
    assertThat(logs.get("DestinationArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("ApiAccessLogs", "Arn")));
    assertThat(TEMPLATE.resources().get("ApiAccessLogs").get("Type"))
        .isEqualTo("AWS::Logs::LogGroup");
    assertThat((String) logs.get("Format"))
        .contains("$context.requestId", "$context.status", "$context.routeKey")
        .doesNotContain("authorization", "Authorization");
  }

  @Test
  void usageApiAndTheDispatcherHaveReservedConcurrencyFromParameters() {
    assertThat(properties("UsageApiFunction").get("ReservedConcurrentExecutions"))
        .isEqualTo(Map.of("Ref", "UsageApiReservedConcurrency"));
    assertThat(properties("WebhookDispatcherFunction").get("ReservedConcurrentExecutions"))
        .isEqualTo(Map.of("Ref", "WebhookDispatcherReservedConcurrency"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everySqsEventSourceHasAMaximumConcurrency() {
    Set<String> sources = new TreeSet<>();
    TEMPLATE
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (name, function) -> {
              Map<String, Object> events =
                  (Map<String, Object>)
                      CloudFormationTemplate.properties(function).getOrDefault("Events", Map.of());
              events.forEach(
                  (eventName, event) -> {
                    Map<String, Object> source = (Map<String, Object>) event;
                    if ("SQS".equals(source.get("Type"))) {
                      sources.add(name + "." + eventName);
                      Map<String, Object> scaling =
                          (Map<String, Object>)
                              CloudFormationTemplate.properties(source).get("ScalingConfig");
                      assertThat(scaling)
                          .as(name + "." + eventName)
                          .containsEntry(
                              "MaximumConcurrency", Map.of("Ref", "QueueMaximumConcurrency"));
                    }
                  });
            });
    assertThat(sources)
        .contains(
            "ThresholdEvaluatorFunction.ThresholdSignals",
            "WebhookDispatcherFunction.Events",
            "WebhookDispatcherFunction.Deliveries");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyDeadLetterQueueHasAnAlarmOnItsVisibleMessages() {
    Set<String> deadLetterQueues = new TreeSet<>();
    TEMPLATE
        .resourcesOfType("AWS::SQS::Queue")
        .forEach(
            (name, queue) -> {
              Map<String, Object> redrive =
                  (Map<String, Object>)
                      CloudFormationTemplate.properties(queue).get("RedrivePolicy");
              if (redrive != null) {
                deadLetterQueues.add(
                    ((List<String>)
                            ((Map<String, Object>) redrive.get("deadLetterTargetArn"))
                                .get("Fn::GetAtt"))
                        .get(0));
              }
            });
    // A stream source's on-failure destination is a dead-letter queue too.
    TEMPLATE
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (name, function) -> {
              Map<String, Object> events =
                  (Map<String, Object>)
                      CloudFormationTemplate.properties(function).getOrDefault("Events", Map.of());
              events
                  .values()
                  .forEach(
                      source -> {
                        Map<String, Object> destination =
                            (Map<String, Object>)
                                CloudFormationTemplate.properties((Map<String, Object>) source)
                                    .getOrDefault("DestinationConfig", Map.of());
                        Map<String, Object> onFailure =
                            (Map<String, Object>) destination.get("OnFailure");
                        if (onFailure != null) {
                          deadLetterQueues.add(
                              ((List<String>)
                                      ((Map<String, Object>) onFailure.get("Destination"))
                                          .get("Fn::GetAtt"))
                                  .get(0));
                        }
                      });
            });
    Set<String> alarmed = new TreeSet<>();
    TEMPLATE
        .resourcesOfType("AWS::CloudWatch::Alarm")
        .values()
        .forEach(
            alarm -> {
              Map<String, Object> properties = CloudFormationTemplate.properties(alarm);
              if ("AWS/SQS".equals(properties.get("Namespace"))
                  && "ApproximateNumberOfMessagesVisible".equals(properties.get("MetricName"))
                  && "GreaterThanThreshold".equals(properties.get("ComparisonOperator"))
                  && Integer.valueOf(0).equals(properties.get("Threshold"))) {
                for (Map<String, Object> dimension :
                    (List<Map<String, Object>>) properties.get("Dimensions")) {
                  alarmed.add(
                      ((List<String>)
                              ((Map<String, Object>) dimension.get("Value")).get("Fn::GetAtt"))
                          .get(0));
                }
                assertThat(properties.get("AlarmActions"))
                    .isEqualTo(List.of(Map.of("Ref", "AlarmTopic")));
              }
            });
    assertThat(deadLetterQueues).hasSize(5);
    assertThat(alarmed).containsExactlyInAnyOrderElementsOf(deadLetterQueues);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theApisServerErrorsAreAlarmed() {
    Map<String, Object> alarm = properties("Api5xxAlarm");
    assertThat(alarm)
        .containsEntry("Namespace", "AWS/ApiGateway")
        .containsEntry("MetricName", "5xx")
        .containsEntry("AlarmActions", List.of(Map.of("Ref", "AlarmTopic")));
    assertThat((List<Map<String, Object>>) alarm.get("Dimensions"))
        .contains(Map.of("Name", "ApiId", "Value", Map.of("Ref", "KaitenHttpApi")));
  }

  @Test
  void theAuditTableOutlivesItsStackAndCannotBeDeleted() {
    Map<String, Object> table = TEMPLATE.resources().get("AuditTable");
    assertThat(table)
        .containsEntry("DeletionPolicy", "Retain")
        .containsEntry("UpdateReplacePolicy", "Retain");
    assertThat(CloudFormationTemplate.properties(table))
        .containsEntry("DeletionProtectionEnabled", true);
  }

  private static Map<String, Object> properties(String logicalId) {
    return CloudFormationTemplate.properties(TEMPLATE.resources().get(logicalId));
  }
}
