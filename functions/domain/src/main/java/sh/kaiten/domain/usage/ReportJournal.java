package sh.kaiten.domain.usage;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Port: the audit records of reports counted in one write, made for that write, so that a report is
 * counted exactly when its record is stored ({@link ChangeRecords}, as a catalog change's). The
 * HTTP layer knows who asked, the request id and what was sent; the use case knows each report's
 * answer, computed before the write from the counter as read just before it.
 */
@FunctionalInterface
public interface ReportJournal {
  /** Counts without a trail (test fixtures, benchmarks that measure the counter alone). */
  ReportJournal SILENT = counted -> ChangeRecords.NONE;

  /**
   * How many reports one record holds at most: a batch's group of reports is recorded in slices of
   * this many.
   */
  int REPORTS_PER_RECORD = 100;

  /**
   * @param counted the reports of one write, in batch order, each with the answer it gets if the
   *     write is stored
   */
  ChangeRecords records(List<Counted> counted);

  /** How many records {@code reports} reports counted in one write take. */
  static int recordsFor(int reports) {
    return Math.max(1, (reports + REPORTS_PER_RECORD - 1) / REPORTS_PER_RECORD);
  }

  /**
   * How many items the records of {@code reports} reports counted in one write take: each record,
   * and beside it the same reports on the billing stream (an outbox item, {@code
   * ChangeRecords#usage}).
   */
  static int itemsFor(int reports) {
    return 2 * recordsFor(reports);
  }

  /**
   * One report and the answer it gets when its write is stored.
   *
   * @param index its place in its batch (0 for a single report)
   * @param at when it happened: its timestamp, or when it was received
   */
  record Counted(int index, UsageReport report, ReportResult result, Instant at) {}
}
