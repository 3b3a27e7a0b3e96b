package sh.kaiten.domain.usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * Reports of a batch that follow each other on one additive counter, to be written together ({@link
 * ReportBatch}): held to the same settings and limit, and within one atomic write.
 */
final class ReportGroup {
  final Meter meter;
  final List<MeteredReport> reports = new ArrayList<>();

  /** How many of the reports carry an idempotency key. */
  int keys;

  /**
   * Whether this is what was left of a group that met used keys: meeting one again, it goes one by
   * one.
   */
  boolean retry;

  ReportGroup(Meter meter) {
    this.meter = meter;
  }

  /**
   * A report joins a group held to the same settings and limit (a license changing mid-batch starts
   * another).
   */
  boolean takes(MeteredReport report) {
    return report.meter().metering().equals(meter.metering())
        && Objects.equals(report.meter().limit(), meter.limit());
  }

  /**
   * Whether the group's write still holds within one atomic write with the report: its keys'
   * markers, the counter, its records and their billing stream items.
   */
  boolean fits(MeteredReport report) {
    int markers = keys + (report.idempotencyKey() != null ? 1 : 0);
    return markers + 1 + ReportJournal.itemsFor(reports.size() + 1)
        <= UsageCounters.MAX_ITEMS_PER_WRITE;
  }

  void add(MeteredReport report) {
    reports.add(report);
    if (report.idempotencyKey() != null) {
      keys++;
    }
  }

  /** The group's reports as one tally: what the counter takes at once. */
  Tally tally() {
    Tally tally = Tally.EMPTY;
    for (MeteredReport report : reports) {
      tally = tally.plus(report.report().value(), report.at());
    }
    return tally;
  }

  /** Each report's answer, in order, starting from the counter at {@code before}. */
  List<ReportResult> answers(Tally before) {
    List<ReportResult> answers = new ArrayList<>(reports.size());
    Tally running = before;
    for (MeteredReport report : reports) {
      running = running.plus(report.report().value(), report.at());
      answers.add(meter.counted(running));
    }
    return answers;
  }

  /**
   * The latest time a report of the group was decided at: keys used before and expired by then may
   * be used again.
   */
  Instant now() {
    return reports.stream().map(MeteredReport::now).max(Instant::compareTo).orElseThrow();
  }
}
