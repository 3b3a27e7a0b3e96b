package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.Generate.oneOf;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import sh.kaiten.domain.catalog.Aggregation;

/**
 * {@link Tally} held against a naive model that recomputes every aggregation from the list of
 * reports.
 *
 * <p>Each property runs on a fresh seed; a failure prints the shrunk case and {@code Seed was N}.
 * Replay it with {@code mvn -o -pl functions/domain test -Dtest=TallyPropertiesTest -DQT_SEED=N}.
 */
class TallyPropertiesTest {

  record Report(BigDecimal value, Instant at) {
    @Override
    public String toString() {
      return value + "@" + at;
    }
  }

  private static final Instant BASE = Instant.parse("2027-01-31T10:00:00Z");

  /** Small values in several scales (1, 1.0, 1.00 tie numerically) and arbitrary decimals. */
  private static final Gen<BigDecimal> VALUES =
      oneOf(
          integers()
              .between(0, 5)
              .zip(
                  integers().between(0, 2),
                  (value, scale) -> BigDecimal.valueOf(value).setScale(scale)),
          longs()
              .between(0, 999_999_999L)
              .zip(
                  integers().between(0, 6),
                  (unscaled, scale) -> BigDecimal.valueOf(unscaled, scale)));

  /** A handful of timestamps (so that LATEST ties often) and arbitrary ones over a year. */
  private static final Gen<Instant> TIMES =
      oneOf(
          integers().between(0, 3).map(seconds -> BASE.plusSeconds(seconds)),
          longs()
              .between(0, Duration.ofDays(365).toNanos() - 1)
              .map(nanos -> BASE.plusNanos(nanos)));

  private static final Gen<Report> REPORTS = VALUES.zip(TIMES, Report::new);

  private static final Gen<List<Report>> REPORT_LISTS = lists().of(REPORTS).ofSizeBetween(0, 40);

  @Test
  void foldingReportsGivesTheNaiveAggregateOfTheList() {
    properties()
        .forAll(REPORT_LISTS)
        .checkAssert(
            reports -> {
              Tally tally = fold(reports);
              for (Aggregation aggregation : Aggregation.values()) {
                assertThat(tally.value(aggregation))
                    .as(aggregation.name())
                    .isEqualTo(naive(reports, aggregation));
              }
            });
  }

  @Test
  void mergingShardsEqualsCountingEveryReportOnOneCounter() {
    properties()
        .forAll(lists().of(REPORT_LISTS).ofSizeBetween(1, 6))
        .checkAssert(
            shards -> {
              List<Report> all = shards.stream().flatMap(List::stream).toList();
              List<Tally> tallies = shards.stream().map(TallyPropertiesTest::fold).toList();
              Tally forwards = tallies.stream().reduce(Tally.EMPTY, Tally::merge);
              Tally backwards = Tally.EMPTY;
              for (Tally shard : tallies) {
                backwards = shard.merge(backwards);
              }
              assertThat(forwards).isEqualTo(fold(all));
              assertThat(backwards).isEqualTo(fold(all));
              for (Aggregation aggregation : Aggregation.values()) {
                assertThat(forwards.value(aggregation))
                    .as(aggregation.name())
                    .isEqualTo(naive(all, aggregation));
              }
            });
  }

  @Test
  void theOrderOfReportsDoesNotChangeTheTally() {
    properties()
        .forAll(REPORT_LISTS, longs().all())
        .checkAssert(
            (reports, shuffleSeed) -> {
              List<Report> shuffled = new ArrayList<>(reports);
              Collections.shuffle(shuffled, new Random(shuffleSeed));
              assertThat(fold(shuffled)).as("shuffled to %s", shuffled).isEqualTo(fold(reports));
            });
  }

  @Test
  void valueAfterIsTheUsageTheReportWouldLeave() {
    // The judged report is drawn first, so that shrinking the earlier reports leaves it as it was.
    properties()
        .forAll(REPORTS, REPORT_LISTS)
        .checkAssert(
            (judged, earlier) -> {
              List<Report> reports = new ArrayList<>(earlier);
              reports.add(judged);
              Tally before = fold(earlier);
              for (Aggregation aggregation : Aggregation.values()) {
                assertThat(before.valueAfter(aggregation, judged.value(), judged.at()))
                    .as(aggregation.name())
                    .isEqualTo(naive(reports, aggregation));
              }
            });
  }

  private static QuickTheory properties() {
    return qt().withExamples(1_000);
  }

  private static Tally fold(List<Report> reports) {
    Tally tally = Tally.EMPTY;
    for (Report report : reports) {
      tally = tally.plus(report.value(), report.at());
    }
    return tally;
  }

  /**
   * The reference: each aggregation computed afresh from the whole list, as its definition reads.
   */
  private static BigDecimal naive(List<Report> reports, Aggregation aggregation) {
    if (reports.isEmpty()) {
      return BigDecimal.ZERO;
    }
    List<BigDecimal> values = reports.stream().map(Report::value).toList();
    BigDecimal sum = BigDecimal.ZERO;
    for (BigDecimal value : values) {
      sum = sum.add(value);
    }
    return switch (aggregation) {
      case SUM -> sum;
      case COUNT -> BigDecimal.valueOf(reports.size());
      case MAX -> last(ascending(values));
      case MIN -> ascending(values).get(0);
      case AVERAGE -> sum.divide(BigDecimal.valueOf(reports.size()), MathContext.DECIMAL64);
      case LATEST -> {
        Instant newest =
            reports.stream().map(Report::at).max(Comparator.naturalOrder()).orElseThrow();
        yield last(
            ascending(
                reports.stream().filter(r -> r.at().equals(newest)).map(Report::value).toList()));
      }
    };
  }

  /** Numerically ascending; equal numbers by ascending scale (the documented tie-break). */
  private static List<BigDecimal> ascending(List<BigDecimal> values) {
    List<BigDecimal> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.<BigDecimal>naturalOrder().thenComparingInt(BigDecimal::scale));
    return sorted;
  }

  private static BigDecimal last(List<BigDecimal> values) {
    return values.get(values.size() - 1);
  }
}
