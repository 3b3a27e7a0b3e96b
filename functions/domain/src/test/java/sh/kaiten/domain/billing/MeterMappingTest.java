package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.outbox.AcceptedReport;

class MeterMappingTest {
  private static MeterMapping mapping(Aggregation aggregation, String scale) {
    return new MeterMapping("storage-gb", "storage_mb", new BigDecimal(scale), aggregation);
  }

  @Test
  void sumAndCountTravelAsIncrementsTheOthersAsLastValues() {
    assertThat(mapping(Aggregation.SUM, "1").formula()).isEqualTo(MeterFormula.SUM);
    assertThat(mapping(Aggregation.COUNT, "1").formula()).isEqualTo(MeterFormula.COUNT);
    for (Aggregation windowed :
        new Aggregation[] {
          Aggregation.MAX, Aggregation.MIN, Aggregation.AVERAGE, Aggregation.LATEST
        }) {
      assertThat(mapping(windowed, "1").formula()).isEqualTo(MeterFormula.LAST);
      assertThat(mapping(windowed, "1").sendsIncrements()).isFalse();
    }
  }

  @Test
  void anIncrementIsTheValueScaledExactly() {
    assertThat(mapping(Aggregation.SUM, "1000").increment(new BigDecimal("2.5"))).isEqualTo(2500);
    assertThat(mapping(Aggregation.SUM, "1").increment(new BigDecimal("7.000"))).isEqualTo(7);
    assertThat(mapping(Aggregation.SUM, "0.001").increment(new BigDecimal("3000"))).isEqualTo(3);
    assertThat(mapping(Aggregation.COUNT, "1").increment(new BigDecimal("2.75"))).isEqualTo(1);
  }

  @Test
  void anIncrementTheScaleDoesNotMakeWholeIsRefusedNotRounded() {
    assertThatThrownBy(() -> mapping(Aggregation.SUM, "10").increment(new BigDecimal("0.25")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("0.25 × 10 = 2.5 is not a whole number");
    assertThatThrownBy(
            () -> mapping(Aggregation.SUM, "1").increment(new BigDecimal("9223372036854775808")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aWindowValueIsScaledAndRoundedHalfEven() {
    assertThat(mapping(Aggregation.AVERAGE, "1").lastValue(new BigDecimal("2.5"))).isEqualTo(2);
    assertThat(mapping(Aggregation.AVERAGE, "1").lastValue(new BigDecimal("3.5"))).isEqualTo(4);
    assertThat(mapping(Aggregation.MAX, "100").lastValue(new BigDecimal("1.237"))).isEqualTo(124);
  }

  @Test
  void aMappingNeedsAnEventNameStripeTakesAndAPositiveScale() {
    assertThatThrownBy(
            () -> new MeterMapping("x", "a".repeat(101), BigDecimal.ONE, Aggregation.SUM))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("event_name");
    assertThatThrownBy(() -> new MeterMapping("x", "x", BigDecimal.ZERO, Aggregation.SUM))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("scale");
  }

  @Test
  void aReportsEventCarriesItsIncrementTimeAndAStableIdentifier() {
    MeterMapping mapping =
        new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM);
    AcceptedReport report =
        new AcceptedReport(
            "tnt_1",
            "aud_1",
            "api-calls",
            new BigDecimal("3"),
            Instant.parse("2026-11-25T12:00:00Z"));

    MeterEvent event = MeterEvents.ofReport(mapping, report, "cus_1");

    assertThat(event.value()).isEqualTo(3);
    assertThat(event.timestamp()).isEqualTo(report.reportedAt());
    assertThat(event.identifier())
        .isEqualTo(MeterEvents.ofReport(mapping, report, "cus_1").identifier())
        .startsWith("kr_")
        .hasSize(67);
  }

  @Test
  void aWindowsEventIsStampedInsideTheWindow() {
    MeterMapping mapping = new MeterMapping("seats", "seats", BigDecimal.ONE, Aggregation.MAX);
    WindowValue window =
        new WindowValue(
            "tnt_1",
            "license:lic_1",
            "seats",
            Instant.parse("2026-11-30T23:00:00Z"),
            Instant.parse("2026-12-01T00:00:00Z"),
            new BigDecimal("12"));

    MeterEvent event = MeterEvents.ofWindow(mapping, window, "cus_1");

    assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-11-30T23:59:59Z"));
    assertThat(event.value()).isEqualTo(12);
    assertThat(event.identifier()).startsWith("kw_").hasSize(67);
  }
}
