package sh.kaiten.domain.billing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;

/**
 * Use case: an admin asks for a past range's counted reports to be sent to the tenant's Stripe
 * connector (one made after they were reported, or after an outage outlasted the queue). The range
 * is checked, then a {@link BillingJob.Backfill} goes on the billing queue; billing-sync sends each
 * report under live sync's identifier, so a backfill repeated, or overlapping live sync, bills
 * nothing twice.
 */
public final class StripeBackfill {
  /** How old a meter event's timestamp Stripe takes. */
  public static final Duration STRIPE_LOOKBACK = Duration.ofDays(35);

  /**
   * Room for the job to wait on the queue and run before its oldest report passes Stripe's limit.
   */
  public static final Duration MARGIN = Duration.ofHours(1);

  private final StripeConnectors connectors;
  private final BillingJobs jobs;
  private final Clock clock;

  public StripeBackfill(StripeConnectors connectors, BillingJobs jobs, Clock clock) {
    this.connectors = connectors;
    this.jobs = jobs;
    this.clock = clock;
  }

  /**
   * Queues the backfill of the reports timed in [from, to).
   *
   * @param to null for now
   */
  public BillingJob.Backfill request(ApiToken caller, Instant from, Instant to) {
    caller.requireAdmin();
    Instant now = clock.instant();
    if (from == null) {
      throw new InvalidInputException("from", "from is required (ISO-8601)");
    }
    Instant end = to == null ? now : to;
    if (end.isAfter(now)) {
      throw new InvalidInputException("to", "to is in the future: at most now, " + now);
    }
    if (!from.isBefore(end)) {
      throw new InvalidInputException("to", "to must be after from");
    }
    Instant earliest = now.minus(STRIPE_LOOKBACK).plus(MARGIN);
    if (from.isBefore(earliest)) {
      throw new InvalidInputException(
          "from",
          "Stripe takes meter events at most "
              + STRIPE_LOOKBACK.toDays()
              + " days old: from must be "
              + earliest
              + " or later (an hour's margin for the backfill to run)");
    }
    if (connectors.find(caller.tenantId()).isEmpty()) {
      throw new NotFoundException("connector", "stripe");
    }
    BillingJob.Backfill job =
        new BillingJob.Backfill(caller.tenantId(), from, end, BillingJob.Progress.START);
    jobs.enqueue(job);
    return job;
  }
}
