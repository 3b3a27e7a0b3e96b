package sh.kaiten.domain.billing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Use case: runs a {@link BillingJob} one page of audit records at a time. The audit trail is where
 * counted reports are kept (a counted report's record is written with its counter change), so each
 * of the job's reports is rebuilt as the billing stream carried it — named {@code auditId/index},
 * so with live sync's identifier — and handed to {@link BillingSync}: the sent-ledger sends only
 * those that never reached Stripe (still on the queue, dead-lettered, or counted before the
 * connector existed) and calls Stripe for none of the others. A MAX, MIN, AVERAGE or LATEST report
 * is rebuilt with the value its record says it left, so it is sent as live sync sent it.
 */
public final class TrailReplay {
  /**
   * Audit records read a run: each holds up to 100 reports, so a run claims at most 2,000 ledger
   * entries, well inside billing-sync's timeout.
   */
  static final int RECORDS_PER_RUN = 20;

  /** What became of one run. */
  public sealed interface Result {
    /** The last page is done; {@code progress} counts the whole job. */
    record Finished(BillingJob job) implements Result {}

    /** This page is done; {@code next} was put on the queue for the rest. */
    record Continued(BillingJob next) implements Result {}

    /**
     * Not all of this page was sent: the run should come back (its sent reports are not resent).
     */
    record Failed(List<String> reasons) implements Result {
      public Failed {
        reasons = List.copyOf(reasons);
      }
    }
  }

  private final StripeConnectors connectors;
  private final AuditLog trail;
  private final InstanceStore instances;
  private final BillingSync sync;
  private final BillingJobs queue;

  public TrailReplay(
      StripeConnectors connectors,
      AuditLog trail,
      InstanceStore instances,
      BillingSync sync,
      BillingJobs queue) {
    this.connectors = connectors;
    this.trail = trail;
    this.instances = instances;
    this.sync = sync;
    this.queue = queue;
  }

  public Result run(BillingJob job) {
    Optional<StripeConnector> connector = connectors.find(job.tenantId());
    if (connector.isEmpty()
        || job instanceof BillingJob.PeriodFlush flush
            && connector.get().meterOf(flush.entitlement()).isEmpty()) {
      return new Result.Finished(job); // nothing of it goes to Stripe: the trail is not read
    }
    if (job instanceof BillingJob.PeriodFlush flush
        && !connector.get().meterOf(flush.entitlement()).orElseThrow().sendsIncrements()) {
      return closeWindow(flush);
    }
    TrailPage page = page(job);
    List<AcceptedUsage> counted = page.counted();
    Set<String> superseded = sync.superseded(counted);
    int reports = 0;
    int sent = 0;
    int already = 0;
    List<String> reasons = new ArrayList<>();
    for (AcceptedUsage usage : counted) {
      reports += usage.reports().size();
      BillingSync.Result result = sync.sync(usage, superseded);
      if (result instanceof BillingSync.Result.Done done) {
        sent += done.sent();
        already += done.alreadySent();
      } else {
        reasons.addAll(((BillingSync.Result.Failed) result).reasons());
      }
    }
    if (!reasons.isEmpty()) {
      return new Result.Failed(reasons);
    }
    BillingJob done = job.next(job.progress().after(page.nextCursor(), reports, sent, already));
    if (page.nextCursor() == null) {
      return new Result.Finished(done);
    }
    queue.enqueue(done);
    return new Result.Continued(done);
  }

  /**
   * One page of a job's audit records, as the counted reports of it that the job covers.
   *
   * @param nextCursor where the next page starts; null after the last
   */
  public record TrailPage(List<AcceptedUsage> counted, String nextCursor) {}

  /**
   * The job's page at its cursor ({@link #RECORDS_PER_RUN} audit records): each record's counted
   * reports the job covers, as the billing stream carried them (one {@link AcceptedUsage} a
   * record); for a job that {@link BillingJob#takesAllValues takes all values}, every report that
   * carries its standing too.
   */
  public TrailPage page(BillingJob job) {
    Page<AuditRecord> page =
        trail.page(
            job.tenantId(),
            new AuditFilter(
                instanceFilter(job),
                job instanceof BillingJob.PeriodFlush flush ? flush.entitlement() : null,
                ReportedUsage.TYPE,
                job.recordsFrom(),
                job.recordsTo()),
            new PageRequest(job.progress().cursor(), RECORDS_PER_RUN));
    return new TrailPage(counted(job, page.items()), page.nextCursor());
  }

  /**
   * A MAX, MIN, AVERAGE or LATEST counter's closed period goes to its {@code last} meter as one
   * window, the whole period, holding the total the close announced: stamped a second before the
   * period ends, a second after any live value of it ({@link MeterEvents#LIVE_MARGIN}), it is the
   * period's last event, so Stripe keeps Kaiten's final value (a late report may have moved it
   * after the live values were sent). The reports themselves are not read again: live sync sent
   * their values, and the close's value supersedes them all.
   */
  private Result closeWindow(BillingJob.PeriodFlush flush) {
    BillingSync.Result result =
        sync.syncWindow(
            new WindowValue(
                flush.tenantId(),
                flush.holder(),
                flush.entitlement(),
                flush.periodStart(),
                flush.periodEnd(),
                flush.usage()));
    if (result instanceof BillingSync.Result.Failed failed) {
      return new Result.Failed(failed.reasons());
    }
    BillingSync.Result.Done done = (BillingSync.Result.Done) result;
    // No page of the trail read, no report: one value sent (or found sent).
    return new Result.Finished(
        flush.next(new BillingJob.Progress(null, 0, 0, done.sent(), done.alreadySent())));
  }

  /** An instance's counter is read through the instance's own records. */
  private static String instanceFilter(BillingJob job) {
    return job instanceof BillingJob.PeriodFlush flush && flush.holderKind().equals("instance")
        ? flush.holderId()
        : null;
  }

  /**
   * The page's counted reports the job covers, as the billing stream carried them: one {@link
   * AcceptedUsage} per audit record.
   */
  private List<AcceptedUsage> counted(BillingJob job, List<AuditRecord> records) {
    Map<String, Optional<String>> licenseOf = new HashMap<>();
    Map<String, AcceptedUsage> byRecord = new LinkedHashMap<>();
    for (AuditRecord record : records) {
      List<AcceptedReport> reports = new ArrayList<>();
      for (ReportedUsage report : ReportedUsage.of(record)) {
        // A report counted without a timestamp was counted at its receipt.
        Instant at = report.timestamp() != null ? report.timestamp() : report.receivedAt();
        AcceptedReport.Standing standing = standing(report);
        if (report.counted()
            && (job.covers(report.entitlement(), at) || standing != null && job.takesAllValues())) {
          reports.add(
              new AcceptedReport(
                  job.tenantId(),
                  report.auditId() + "/" + report.index(),
                  report.entitlement(),
                  report.value(),
                  at,
                  standing));
        }
      }
      if (!reports.isEmpty() && held(job, record.instanceId(), licenseOf)) {
        byRecord.put(
            record.id(),
            new AcceptedUsage(
                record.id(), job.tenantId(), record.instanceId(), reports, record.at()));
      }
    }
    return List.copyOf(byRecord.values());
  }

  /**
   * Where a report left its counter, as its record kept it (the answer live sync's message carried
   * too): a MAX, MIN, AVERAGE or LATEST counter's record keeps its period. A record without one (a
   * SUM or COUNT report's, a lifetime counter's, or one written before periods were kept) gives
   * none, and its report is not sent to a {@code last} meter: its event's time could not be kept
   * inside its period.
   */
  private static AcceptedReport.Standing standing(ReportedUsage report) {
    return report.periodEnd() != null && report.currentUsage() != null
        ? new AcceptedReport.Standing(
            report.currentUsage(), report.periodStart(), report.periodEnd())
        : null;
  }

  /** Whether the instance's reports count toward the job's counter (a license's pool: its own). */
  private boolean held(BillingJob job, String instanceId, Map<String, Optional<String>> licenseOf) {
    if (!(job instanceof BillingJob.PeriodFlush flush) || !flush.holderKind().equals("license")) {
      return true;
    }
    return licenseOf
        .computeIfAbsent(
            instanceId, id -> instances.findInstance(job.tenantId(), id).map(Instance::licenseId))
        .filter(flush.holderId()::equals)
        .isPresent();
  }
}
