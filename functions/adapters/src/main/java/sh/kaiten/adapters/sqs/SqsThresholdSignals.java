package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.usage.ThresholdSignal;
import sh.kaiten.domain.usage.ThresholdSignals;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Threshold signals as JSON messages on the thresholds queue. */
public final class SqsThresholdSignals implements ThresholdSignals {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SqsClient sqs;
  private final String queueUrl;

  public SqsThresholdSignals(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void publish(ThresholdSignal signal) {
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(toJson(signal)));
  }

  /** The message body: built field by field, so no reflection is needed in a native image. */
  public static String toJson(ThresholdSignal signal) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("tenant_id", signal.counter().tenantId());
    body.put("entitlement", signal.counter().entitlement());
    body.put("holder", signal.counter().holder());
    body.put("period", signal.counter().period());
    body.put("limit", signal.limit());
    body.put("previous", signal.previous());
    body.put("updated", signal.updated());
    ArrayNode thresholds = body.putArray("thresholds");
    signal.thresholds().forEach(thresholds::add);
    body.put("kind", signal.kind().name());
    if (signal.reason() != null) {
      body.put("reason", signal.reason().name());
    }
    return body.toString();
  }

  /**
   * A message body back into a signal.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  public static ThresholdSignal fromJson(String message) {
    JsonNode body;
    try {
      body = JSON.readTree(message);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "a threshold signal must be a JSON object: " + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("a threshold signal must be a JSON object");
    }
    CounterKey counter =
        new CounterKey(
            text(body, "tenant_id"),
            text(body, "entitlement"),
            text(body, "holder"),
            text(body, "period"));
    if (!counter.holder().contains(":")) {
      throw new IllegalArgumentException("holder must be instance:<id> or license:<id>");
    }
    ThresholdSignal.Kind kind =
        body.has("kind")
            ? enumValue(ThresholdSignal.Kind.class, body, "kind")
            : ThresholdSignal.Kind.CROSSED;
    JsonNode thresholds = body.path("thresholds");
    if (kind == ThresholdSignal.Kind.CROSSED && (!thresholds.isArray() || thresholds.isEmpty())) {
      throw new IllegalArgumentException("thresholds must be a non-empty array of percents");
    }
    List<Integer> percents = new ArrayList<>();
    thresholds.forEach(
        t -> {
          if (!t.canConvertToInt()) {
            throw new IllegalArgumentException("thresholds must be whole percents");
          }
          percents.add(t.intValue());
        });
    BigDecimal limit =
        body.path("limit").isNull() || body.path("limit").isMissingNode()
            ? null
            : number(body, "limit");
    return new ThresholdSignal(
        counter,
        limit,
        number(body, "previous"),
        number(body, "updated"),
        percents,
        kind,
        body.has("reason") ? enumValue(Reason.class, body, "reason") : null);
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode body, String field) {
    try {
      return Enum.valueOf(type, text(body, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string");
    }
    return value.asText();
  }

  private static BigDecimal number(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return value.decimalValue();
  }
}
