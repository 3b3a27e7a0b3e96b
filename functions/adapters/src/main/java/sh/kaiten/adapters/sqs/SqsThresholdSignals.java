package sh.kaiten.adapters.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import sh.kaiten.domain.usage.ThresholdSignal;
import sh.kaiten.domain.usage.ThresholdSignals;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Threshold signals as JSON messages on the thresholds queue. */
public final class SqsThresholdSignals implements ThresholdSignals {
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
  static String toJson(ThresholdSignal signal) {
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
    return body.toString();
  }
}
