package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;

class TallyTest {
  private static final Instant T0 = Instant.parse("2027-02-28T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(1);
  private static final Instant T2 = T0.plusSeconds(2);

  private static BigDecimal n(String value) {
    return new BigDecimal(value);
  }

  @Test
  void aPeriodWithoutReportsHasZeroUsageUnderEveryAggregation() {
    for (Aggregation aggregation : Aggregation.values()) {
      assertThat(Tally.EMPTY.value(aggregation)).as(aggregation.name()).isEqualTo(BigDecimal.ZERO);
    }
    assertThat(Tally.EMPTY).isEqualTo(new Tally(BigDecimal.ZERO, 0, null, null, null, null));
  }

  @Test
  void everyAggregationReadsTheSameReports() {
    Tally tally = Tally.EMPTY.plus(n("3"), T1).plus(n("1.5"), T2).plus(n("7"), T0);

    assertThat(tally).isEqualTo(new Tally(n("11.5"), 3, n("7"), n("1.5"), n("1.5"), T2));
    assertThat(tally.value(Aggregation.SUM)).isEqualTo(n("11.5"));
    assertThat(tally.value(Aggregation.COUNT)).isEqualTo(n("3"));
    assertThat(tally.value(Aggregation.MAX)).isEqualTo(n("7"));
    assertThat(tally.value(Aggregation.MIN)).isEqualTo(n("1.5"));
    assertThat(tally.value(Aggregation.AVERAGE)).isEqualTo(n("3.833333333333333"));
    assertThat(tally.value(Aggregation.LATEST)).isEqualTo(n("1.5"));
  }

  @Test
  void averageIsExactWhenItFitsAndOtherwiseRoundedHalfEvenToSixteenDigits() {
    assertThat(Tally.EMPTY.plus(n("4"), T0).plus(n("6"), T1).value(Aggregation.AVERAGE))
        .isEqualTo(n("5"));
    assertThat(Tally.EMPTY.plus(n("1"), T0).plus(n("0.25"), T1).value(Aggregation.AVERAGE))
        .isEqualTo(n("0.625"));
    assertThat(
            Tally.EMPTY
                .plus(n("2"), T0)
                .plus(n("0"), T1)
                .plus(n("0"), T2)
                .value(Aggregation.AVERAGE))
        .isEqualTo(n("0.6666666666666667"));
  }

  @Test
  void latestKeepsTheNewestTimestampNotTheLastArrival() {
    Tally lateEvent = Tally.EMPTY.plus(n("5"), T2).plus(n("9"), T1);
    assertThat(lateEvent.value(Aggregation.LATEST)).isEqualTo(n("5"));
    assertThat(lateEvent.latestAt()).isEqualTo(T2);
  }

  @Test
  void latestOnTheSameTimestampKeepsTheLargerValueWhicheverArrivesFirst() {
    assertThat(Tally.EMPTY.plus(n("4"), T1).plus(n("9"), T1).value(Aggregation.LATEST))
        .isEqualTo(n("9"));
    assertThat(Tally.EMPTY.plus(n("9"), T1).plus(n("4"), T1).value(Aggregation.LATEST))
        .isEqualTo(n("9"));
    assertThat(Tally.EMPTY.plus(n("2.0"), T1).plus(n("2.00"), T1).value(Aggregation.LATEST))
        .isEqualTo(n("2.00"));
    assertThat(Tally.EMPTY.plus(n("2.00"), T1).plus(n("2.0"), T1).value(Aggregation.LATEST))
        .isEqualTo(n("2.00"));
  }

  @Test
  void equalExtremesInDifferentScalesDoNotDependOnArrivalOrder() {
    Tally oneWay = Tally.EMPTY.plus(n("1.0"), T0).plus(n("1.00"), T1);
    Tally otherWay = Tally.EMPTY.plus(n("1.00"), T1).plus(n("1.0"), T0);
    assertThat(oneWay).isEqualTo(otherWay);
    assertThat(oneWay.max()).isEqualTo(n("1.00"));
    assertThat(oneWay.min()).isEqualTo(n("1.0"));
  }

  @Test
  void valueAfterTellsWhatAReportWouldMakeTheUsage() {
    Tally tally = Tally.EMPTY.plus(n("10"), T1).plus(n("4"), T1);

    assertThat(tally.valueAfter(Aggregation.SUM, n("3"), T2)).isEqualTo(n("17"));
    assertThat(tally.valueAfter(Aggregation.COUNT, n("3"), T2)).isEqualTo(n("3"));
    assertThat(tally.valueAfter(Aggregation.MAX, n("12"), T2)).isEqualTo(n("12"));
    assertThat(tally.valueAfter(Aggregation.MAX, n("5"), T2)).isEqualTo(n("10"));
    assertThat(tally.valueAfter(Aggregation.MIN, n("3"), T2)).isEqualTo(n("3"));
    assertThat(tally.valueAfter(Aggregation.AVERAGE, n("1"), T2)).isEqualTo(n("5"));
    assertThat(tally.valueAfter(Aggregation.LATEST, n("1"), T2)).isEqualTo(n("1"));
    assertThat(tally.valueAfter(Aggregation.LATEST, n("1"), T0)).isEqualTo(n("10"));
    assertThat(tally)
        .isEqualTo(Tally.EMPTY.plus(n("10"), T1).plus(n("4"), T1)); // unchanged: a tally is a value
  }

  @Test
  void aSettlementAddsItsReportsWithTheirMeanAsEachValue() {
    Tally before = Tally.EMPTY.plus(n("2"), T0);

    Tally after = before.plus(n("12"), 5, T1);

    assertThat(after).isEqualTo(new Tally(n("14"), 6, n("2.4"), n("2"), n("2.4"), T1));
    assertThat(after.value(Aggregation.SUM)).isEqualTo(n("14"));
    assertThat(after.value(Aggregation.COUNT)).isEqualTo(n("6"));
    assertThat(after.value(Aggregation.AVERAGE)).isEqualTo(n("2.333333333333333"));
    // A mean that does not end is rounded to 16 digits; sum and count stay exact.
    assertThat(Tally.EMPTY.plus(n("10"), 3, T0))
        .isEqualTo(
            new Tally(
                n("10"),
                3,
                n("3.333333333333333"),
                n("3.333333333333333"),
                n("3.333333333333333"),
                T0));
    assertThat(before.plus(n("7.50"), 1, T1)).isEqualTo(before.plus(n("7.50"), T1));
    assertThatThrownBy(() -> before.plus(n("1"), 0, T1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shardsMergeIntoTheTallyOfOneCounter() {
    Tally shardA = Tally.EMPTY.plus(n("3"), T0).plus(n("8"), T2);
    Tally shardB = Tally.EMPTY.plus(n("1"), T1);

    Tally merged = shardA.merge(shardB);
    assertThat(merged).isEqualTo(new Tally(n("12"), 3, n("8"), n("1"), n("8"), T2));
    assertThat(shardB.merge(shardA)).isEqualTo(merged);
    assertThat(merged.merge(Tally.EMPTY)).isEqualTo(merged);
    assertThat(Tally.EMPTY.merge(merged)).isEqualTo(merged);
  }

  @Test
  void anInconsistentStateIsRefused() {
    assertThatThrownBy(() -> new Tally(BigDecimal.ZERO, 0, n("1"), null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tally(n("1"), 1, n("1"), n("1"), n("1"), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tally(BigDecimal.ZERO, -1, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
