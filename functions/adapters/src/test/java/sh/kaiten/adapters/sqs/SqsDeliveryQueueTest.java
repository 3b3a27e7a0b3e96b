package sh.kaiten.adapters.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqsDeliveryQueueTest {
  private final SqsDeliveryQueue deployed =
      new SqsDeliveryQueue(
          null, "https://sqs.eu-west-1.amazonaws.com/123456789012/kaiten-DeliveriesQueue-1AB2C3D4");
  private final SqsDeliveryQueue local =
      new SqsDeliveryQueue(null, "http://localhost:9324/000000000000/DeliveriesQueue");

  @Test
  void aRecordFromTheDeliveriesQueueIsToldByItsEventSourceArn() {
    assertThat(
            deployed.isSourceOf(
                "arn:aws:sqs:eu-west-1:123456789012:kaiten-DeliveriesQueue-1AB2C3D4"))
        .isTrue();
    assertThat(local.isSourceOf("arn:aws:sqs:us-east-1:000000000000:DeliveriesQueue")).isTrue();
  }

  @Test
  void aRecordFromAnyOtherQueueIsNot() {
    assertThat(
            deployed.isSourceOf("arn:aws:sqs:eu-west-1:123456789012:kaiten-EventsQueue-9Z8Y7X6W"))
        .isFalse();
    assertThat(local.isSourceOf("arn:aws:sqs:us-east-1:000000000000:EventsQueue")).isFalse();
    assertThat(local.isSourceOf("arn:aws:sqs:us-east-1:000000000000:DeliveriesQueue2")).isFalse();
    assertThat(local.isSourceOf(null)).isFalse();
  }
}
