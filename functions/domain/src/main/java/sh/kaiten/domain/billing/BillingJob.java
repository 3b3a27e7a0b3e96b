package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.metering.CounterKey;

/**
 * Work for billing-sync beside the stream of counted reports: sending again what the audit trail
 * says was counted in a span, one page of audit records a run, each report under the identifier
 * live sync gives it (so the sent-ledger sends only what never reached Stripe). A job that has more
 * pages puts its next step on the billing queue, carrying what it sent so far.
 */
public sealed interface BillingJob {
  /**
   * How far before a period's start a report of it may have been recorded: a report's timestamp may
   * be up to 5 minutes ahead of the clock that received it (usage-api's tolerance), doubled.
   */
  Duration FUTURE_MARGIN = Duration.ofMinutes(10);

  String tenantId();

  Progress progress();

  /** The same job, from its next page on. */
  BillingJob next(Progress progress);

  /**
   * Which audit records hold the job's reports: their time (when they were answered) in [from, to).
   */
  Instant recordsFrom();

  Instant recordsTo();

  /** Whether a report of this job's span, counted at {@code at}, belongs to it. */
  boolean covers(String entitlement, Instant at);

  /**
   * Whether the job takes every counted report that carries its counter's standing (a MAX, MIN,
   * AVERAGE or LATEST report's), whatever its time, and decides itself which belong to it: a
   * reconciliation, whose {@code last} meters' events are stamped by when they were counted (see
   * {@link MeterEvents#ofValue}), not by the reports' times.
   */
  default boolean takesAllValues() {
    return false;
  }

  /**
   * The reports of a counter's period that closed ({@code usage.period_closed}), flushed to Stripe
   * before the period's invoice is finalized.
   *
   * @param holder the counter's holder ({@code instance:<id>} or {@code license:<id>})
   * @param usage the period's total as the close announced it (the value a {@code last} meter gets)
   * @param closedAt when the close was announced: no report of the period is recorded after it
   */
  record PeriodFlush(
      String tenantId,
      String holder,
      String entitlement,
      Instant periodStart,
      Instant periodEnd,
      BigDecimal usage,
      Instant closedAt,
      Progress progress)
      implements BillingJob {
    public PeriodFlush {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(holder, "holder");
      Objects.requireNonNull(entitlement, "entitlement");
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(closedAt, "closedAt");
      Objects.requireNonNull(progress, "progress");
      if (!periodStart.isBefore(periodEnd)) {
        throw new IllegalArgumentException("a period ends after it starts");
      }
    }

    /** The flush a {@code usage.period_closed} event asks for. */
    public static PeriodFlush of(Event closed) {
      if (closed.type() != EventType.USAGE_PERIOD_CLOSED) {
        throw new IllegalArgumentException("not a period's close: " + closed.type().wireName());
      }
      var data = closed.data();
      String holder =
          data.hasNonNull("instance_id")
              ? CounterKey.instanceHolder(data.get("instance_id").asText())
              : CounterKey.licenseHolder(data.get("license_id").asText());
      return new PeriodFlush(
          closed.tenantId(),
          holder,
          data.get("entitlement").asText(),
          Instant.parse(data.get("period_start").asText()),
          Instant.parse(data.get("period_end").asText()),
          data.get("usage").decimalValue(),
          closed.createdAt(),
          Progress.START);
    }

    public String holderKind() {
      return holder.substring(0, holder.indexOf(':'));
    }

    public String holderId() {
      return holder.substring(holder.indexOf(':') + 1);
    }

    @Override
    public PeriodFlush next(Progress progress) {
      return new PeriodFlush(
          tenantId, holder, entitlement, periodStart, periodEnd, usage, closedAt, progress);
    }

    @Override
    public Instant recordsFrom() {
      return periodStart.minus(FUTURE_MARGIN);
    }

    @Override
    public Instant recordsTo() {
      return closedAt.plusSeconds(1);
    }

    @Override
    public boolean covers(String entitlement, Instant at) {
      return this.entitlement.equals(entitlement)
          && !at.isBefore(periodStart)
          && at.isBefore(periodEnd);
    }
  }

  /**
   * The reports counted in [from, to) sent to a connector made later, under live sync's
   * identifiers: overlapping live sync or an earlier backfill bills nothing twice.
   */
  record Backfill(String tenantId, Instant from, Instant to, Progress progress)
      implements BillingJob {
    public Backfill {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(progress, "progress");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("a backfill ends after it starts");
      }
    }

    @Override
    public Backfill next(Progress progress) {
      return new Backfill(tenantId, from, to, progress);
    }

    @Override
    public Instant recordsFrom() {
      return from.minus(FUTURE_MARGIN);
    }

    @Override
    public Instant recordsTo() {
      return to.plus(LATE_RECORDS);
    }

    @Override
    public boolean covers(String entitlement, Instant at) {
      return !at.isBefore(from) && at.isBefore(to);
    }
  }

  /**
   * The comparison of what Kaiten counted in [windowStart, windowEnd) with Stripe's meter event
   * summaries ({@link StripeReconciliation}), a step at a time: first the audit trail's counted
   * reports of the window, a page a step, tallied into {@link ReconciliationTallies}; then the
   * tenant's customers, a page a step, each customer's meters compared with Stripe. What a step
   * hands the next ({@code findings}) is bounded whatever the tenant's size; the last step records
   * the result.
   *
   * @param runId names the run, so a redelivered step records nothing twice ({@code daily:<day>}
   *     for the scheduler's, {@code requested:<id>} for an admin's)
   * @param recordsTo when the run was queued: every report of the window was recorded before it
   *     (the window had settled), so the trail is read up to it
   */
  record Reconciliation(
      String tenantId,
      String runId,
      Instant windowStart,
      Instant windowEnd,
      Instant recordsTo,
      Progress progress,
      Findings findings)
      implements BillingJob {
    public Reconciliation {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(recordsTo, "recordsTo");
      Objects.requireNonNull(progress, "progress");
      Objects.requireNonNull(findings, "findings");
      if (!windowStart.isBefore(windowEnd)) {
        throw new IllegalArgumentException("a reconciliation's window ends after it starts");
      }
    }

    /** A run from its first page. */
    public Reconciliation(
        String tenantId, String runId, Instant windowStart, Instant windowEnd, Instant recordsTo) {
      this(tenantId, runId, windowStart, windowEnd, recordsTo, Progress.START, Findings.NONE);
    }

    @Override
    public Reconciliation next(Progress progress) {
      return new Reconciliation(
          tenantId, runId, windowStart, windowEnd, recordsTo, progress, findings);
    }

    /** The same step, having found {@code findings}. */
    public Reconciliation finding(Findings findings) {
      return new Reconciliation(
          tenantId, runId, windowStart, windowEnd, recordsTo, progress, findings);
    }

    /** Whether every page of the trail is tallied (the run compares now). */
    public boolean replayed() {
      return progress.pages() > 0 && progress.cursor() == null;
    }

    @Override
    public Instant recordsFrom() {
      return windowStart.minus(FUTURE_MARGIN);
    }

    @Override
    public Instant recordsTo() {
      return recordsTo;
    }

    @Override
    public boolean covers(String entitlement, Instant at) {
      return !at.isBefore(windowStart) && at.isBefore(windowEnd);
    }

    /**
     * A value report's event may fall in the window though the report does not (a late report's
     * counted value), or not though it does: the run stamps each as live sync did and keeps those
     * stamped in the window. Every report whose event can be is recorded in [{@link #recordsFrom},
     * {@link #recordsTo}): one counted after the window is stamped inside it only while its period,
     * ending in the window, is open, so before the period's late window is over (the run is queued
     * after it).
     */
    @Override
    public boolean takesAllValues() {
      return true;
    }

    /** Whether a meter event stamped {@code at} falls in the window. */
    public boolean windowHolds(Instant at) {
      return covers(null, at);
    }

    /**
     * What a run has found so far, carried from step to step: counts, a cursor, at most {@link
     * StripeReconciliation#MAX_DIFFERENCES} differences and the mapped meters, so a few tens of KB
     * at most.
     *
     * @param unattributed counted reports whose instance, license or customer is gone
     * @param withoutStripeId counted reports of customers without a Stripe id
     * @param customers the page of customers to compare next; null for the first
     * @param compared customer and meter pairs compared
     * @param differenceCount pairs that differ, all of them
     * @param differences the first {@link StripeReconciliation#MAX_DIFFERENCES} of them
     * @param meters Stripe's meters for the connector's mappings, as far as the run has read them
     *     (at most one per mapping, so at most {@link StripeConnectorAdministration#MAX_METERS});
     *     null before the first read
     * @param closes the page of closed periods to merge next; null for the first (and once read)
     * @param closesRead whether the closed periods that ended in the window are merged
     * @param tiedCount pairs of a {@code last} meter not compared, their latest events being a tie
     * @param tied the first {@link StripeReconciliation#MAX_DIFFERENCES} of them, each a line of
     *     what was not compared
     */
    public record Findings(
        int unattributed,
        int withoutStripeId,
        String customers,
        int compared,
        int differenceCount,
        List<ReconciliationReport.Difference> differences,
        MeterCheck meters,
        String closes,
        boolean closesRead,
        int tiedCount,
        List<String> tied) {
      public static final Findings NONE =
          new Findings(0, 0, null, 0, 0, List.of(), null, null, false, 0, List.of());

      public Findings {
        differences = List.copyOf(differences);
        tied = List.copyOf(tied);
        if (differences.size() > StripeReconciliation.MAX_DIFFERENCES
            || tied.size() > StripeReconciliation.MAX_DIFFERENCES) {
          throw new IllegalArgumentException(
              "a run keeps at most "
                  + StripeReconciliation.MAX_DIFFERENCES
                  + " differences and ties");
        }
      }

      /** These, the closed periods read up to {@code next} (null: all of them). */
      Findings closesMerged(String next) {
        return new Findings(
            unattributed,
            withoutStripeId,
            customers,
            compared,
            differenceCount,
            differences,
            meters,
            next,
            next == null,
            tiedCount,
            tied);
      }

      /** These, and a page's reports that cannot be compared. */
      Findings tallied(CountedUsage page) {
        return new Findings(
            unattributed + page.unattributed(),
            withoutStripeId + page.withoutStripeId(),
            customers,
            compared,
            differenceCount,
            differences,
            meters,
            closes,
            closesRead,
            tiedCount,
            tied);
      }

      /** These, and Stripe's meters read as far as {@code meters} says. */
      Findings metersRead(MeterCheck meters) {
        return new Findings(
            unattributed,
            withoutStripeId,
            customers,
            compared,
            differenceCount,
            differences,
            meters,
            closes,
            closesRead,
            tiedCount,
            tied);
      }

      /**
       * These, and a page of customers' comparisons.
       *
       * @param next the page of customers after it
       * @param found the page's differences (those past the run's bound are counted only)
       * @param foundTied the page's ties, as lines (those past the run's bound are counted only)
       */
      Findings compared(
          String next,
          int compared,
          int differenceCount,
          List<ReconciliationReport.Difference> found,
          List<String> foundTied) {
        List<ReconciliationReport.Difference> kept = new ArrayList<>(differences);
        found.stream()
            .limit(Math.max(0, StripeReconciliation.MAX_DIFFERENCES - kept.size()))
            .forEach(kept::add);
        List<String> keptTied = new ArrayList<>(tied);
        foundTied.stream()
            .limit(Math.max(0, StripeReconciliation.MAX_DIFFERENCES - keptTied.size()))
            .forEach(keptTied::add);
        return new Findings(
            unattributed,
            withoutStripeId,
            next,
            this.compared + compared,
            this.differenceCount + differenceCount,
            kept,
            meters,
            closes,
            closesRead,
            tiedCount + foundTied.size(),
            keptTied);
      }
    }
  }

  /**
   * How long after a report's time its record may have been written (a late report): a backfill
   * reads records this much past its end, and keeps only the reports timed inside it.
   */
  Duration LATE_RECORDS = Duration.ofDays(2);

  /**
   * Where a job stands.
   *
   * @param cursor the audit page to read next; null for the first
   * @param pages pages done
   * @param reports counted reports of the span met so far
   * @param sent meter events Stripe accepted in this job
   * @param alreadySent reports the ledger had as sent (by live sync or an earlier job)
   */
  record Progress(String cursor, int pages, int reports, int sent, int alreadySent) {
    public static final Progress START = new Progress(null, 0, 0, 0, 0);

    public Progress after(String nextCursor, int reports, int sent, int alreadySent) {
      return new Progress(
          nextCursor,
          pages + 1,
          this.reports + reports,
          this.sent + sent,
          this.alreadySent + alreadySent);
    }
  }
}
