package sh.kaiten.adapters.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;

class SqsUsageStreamTest {
  private static final Instant AT = Instant.parse("2026-11-30T23:59:58.250Z");
  private static final Instant COUNTED = Instant.parse("2026-12-01T00:00:03.125Z");
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void aMessageKeepsWhenItWasCountedAndWhereEachGaugeReportLeftItsCounterDigitForDigit() {
    AcceptedUsage usage =
        new AcceptedUsage(
            "rec_1",
            "ten_1",
            "acme-prod",
            List.of(
                new AcceptedReport("ten_1", "rec_1/0", "api-calls", new BigDecimal("2.50"), AT),
                new AcceptedReport(
                    "ten_1",
                    "rec_1/1",
                    "peak-seats",
                    new BigDecimal("3"),
                    AT,
                    new AcceptedReport.Standing(
                        new BigDecimal("9.000000000000000001"), START, END)),
                new AcceptedReport(
                    "ten_1",
                    "rec_1/2",
                    "lifetime-peak",
                    new BigDecimal("4"),
                    AT,
                    new AcceptedReport.Standing(new BigDecimal("4"), null, null))),
            COUNTED);

    String json = SqsUsageStream.toJson(usage);

    assertThat(json)
        .isEqualTo(
            "{\"id\":\"rec_1\",\"tenant_id\":\"ten_1\",\"instance_id\":\"acme-prod\","
                + "\"counted_at\":\"2026-12-01T00:00:03.125Z\",\"reports\":["
                + "{\"report_id\":\"rec_1/0\",\"entitlement\":\"api-calls\",\"value\":\"2.50\","
                + "\"reported_at\":\"2026-11-30T23:59:58.250Z\"},"
                + "{\"report_id\":\"rec_1/1\",\"entitlement\":\"peak-seats\",\"value\":\"3\","
                + "\"reported_at\":\"2026-11-30T23:59:58.250Z\","
                + "\"period_value\":\"9.000000000000000001\","
                + "\"period_start\":\"2026-11-01T00:00:00Z\","
                + "\"period_end\":\"2026-12-01T00:00:00Z\"},"
                + "{\"report_id\":\"rec_1/2\",\"entitlement\":\"lifetime-peak\",\"value\":\"4\","
                + "\"reported_at\":\"2026-11-30T23:59:58.250Z\",\"period_value\":\"4\"}]}");
    assertThat(SqsUsageStream.fromJson(SqsDeliveryQueue.parse(json))).isEqualTo(usage);
  }

  @Test
  void aMessageWrittenBeforeTheStandingWasCarriedIsReadWithoutIt() {
    String older =
        "{\"id\":\"rec_1\",\"tenant_id\":\"ten_1\",\"instance_id\":\"acme-prod\",\"reports\":["
            + "{\"report_id\":\"rec_1/0\",\"entitlement\":\"peak-seats\",\"value\":\"9\","
            + "\"reported_at\":\"2026-11-30T23:59:58.250Z\"}]}";

    AcceptedUsage usage = SqsUsageStream.fromJson(SqsDeliveryQueue.parse(older));

    assertThat(usage.countedAt()).isNull();
    assertThat(usage.reports())
        .containsExactly(
            new AcceptedReport("ten_1", "rec_1/0", "peak-seats", new BigDecimal("9"), AT));
    assertThat(usage.reports().get(0).standing()).isNull();
  }

  @Test
  void aMalformedStandingOrCountedAtIsRefusedNamingIt() {
    String badValue =
        "{\"id\":\"rec_1\",\"tenant_id\":\"ten_1\",\"instance_id\":\"acme-prod\",\"reports\":["
            + "{\"report_id\":\"rec_1/0\",\"entitlement\":\"peak-seats\",\"value\":\"9\","
            + "\"reported_at\":\"2026-11-30T23:59:58Z\",\"period_value\":\"nine\"}]}";
    String badTime =
        "{\"id\":\"rec_1\",\"tenant_id\":\"ten_1\",\"instance_id\":\"acme-prod\","
            + "\"counted_at\":\"yesterday\",\"reports\":[]}";

    assertThatThrownBy(() -> SqsUsageStream.fromJson(SqsDeliveryQueue.parse(badValue)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a report's value or time is malformed");
    assertThatThrownBy(() -> SqsUsageStream.fromJson(SqsDeliveryQueue.parse(badTime)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("counted_at is malformed");
  }
}
