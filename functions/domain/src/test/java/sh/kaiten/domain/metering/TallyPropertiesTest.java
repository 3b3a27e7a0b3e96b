package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;

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
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.property.Gen;
import sh.kaiten.domain.property.Property;

/** {@link Tally} held against a naive model that recomputes every aggregation from the list of reports. */
class TallyPropertiesTest {

  record Report(BigDecimal value, Instant at) {
    @Override
    public String toString() {
      return value + "@" + at;
    }
  }

  private static final Instant BASE = Instant.parse("2027-01-31T10:00:00Z");

  /** Small values in several scales (1, 1.0, 1.00 tie numerically) and arbitrary decimals. */
  private static final Gen<BigDecimal> VALUES = Gen.oneOf(
      random -> BigDecimal.valueOf(random.nextInt(6)).setScale(random.nextInt(3)),
      random -> BigDecimal.valueOf(random.nextLong(1_000_000_000L), random.nextInt(7)));

  /** A handful of timestamps (so that LATEST ties often) and arbitrary ones over a year. */
  private static final Gen<Instant> TIMES = Gen.oneOf(
      random -> BASE.plusSeconds(random.nextInt(4)),
      random -> BASE.plus(Duration.ofNanos(random.nextLong(Duration.ofDays(365).toNanos()))));

  private static final Gen<Report> REPORTS = random -> new Report(VALUES.next(random), TIMES.next(random));

  private static final Gen<List<Report>> REPORT_LISTS = REPORTS.list(0, 40);

  @Test
  void foldingReportsGivesTheNaiveAggregateOfTheList() {
    Property.forAll(REPORT_LISTS, Property::withoutOneElement, reports -> {
      Tally tally = fold(reports);
      for (Aggregation aggregation : Aggregation.values()) {
        assertThat(tally.value(aggregation)).as(aggregation.name()).isEqualTo(naive(reports, aggregation));
      }
    });
  }

  @Test
  void mergingShardsEqualsCountingEveryReportOnOneCounter() {
    Property.forAll(REPORT_LISTS.list(1, 6), Property::withoutOneElement, shards -> {
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
        assertThat(forwards.value(aggregation)).as(aggregation.name()).isEqualTo(naive(all, aggregation));
      }
    });
  }

  @Test
  void theOrderOfReportsDoesNotChangeTheTally() {
    Gen<List<List<Report>>> reorderings = random -> {
      List<Report> reports = REPORT_LISTS.next(random);
      List<Report> shuffled = new ArrayList<>(reports);
      Collections.shuffle(shuffled, new Random(random.nextLong()));
      return List.of(reports, shuffled);
    };
    Property.forAll(reorderings, pair -> assertThat(fold(pair.get(1))).isEqualTo(fold(pair.get(0))));
  }

  @Test
  void valueAfterIsTheUsageTheReportWouldLeave() {
    Property.forAll(REPORTS.list(1, 41), TallyPropertiesTest::withoutOneEarlierReport, reports -> {
      Report next = reports.get(reports.size() - 1);
      Tally before = fold(reports.subList(0, reports.size() - 1));
      for (Aggregation aggregation : Aggregation.values()) {
        assertThat(before.valueAfter(aggregation, next.value(), next.at()))
            .as(aggregation.name())
            .isEqualTo(naive(reports, aggregation));
      }
    });
  }

  private static Tally fold(List<Report> reports) {
    Tally tally = Tally.EMPTY;
    for (Report report : reports) {
      tally = tally.plus(report.value(), report.at());
    }
    return tally;
  }

  /** Shrinks the earlier reports and keeps the last one, the report being judged. */
  private static List<List<Report>> withoutOneEarlierReport(List<Report> reports) {
    Report judged = reports.get(reports.size() - 1);
    return Property.withoutOneElement(reports.subList(0, reports.size() - 1)).stream()
        .map(earlier -> {
          List<Report> shorter = new ArrayList<>(earlier);
          shorter.add(judged);
          return shorter;
        })
        .toList();
  }

  /** The reference: each aggregation computed afresh from the whole list, as its definition reads. */
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
        Instant newest = reports.stream().map(Report::at).max(Comparator.naturalOrder()).orElseThrow();
        yield last(ascending(reports.stream().filter(r -> r.at().equals(newest)).map(Report::value).toList()));
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
