package sh.kaiten.domain.billing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;

/**
 * Use case: reconciliations against Stripe put on the billing queue ({@link StripeReconciliation}
 * runs them): one a day per tenant with a Stripe connector, by the scheduler, and one an admin asks
 * for.
 *
 * <p>The scheduler's cover settled UTC days: a report of a day may be recorded until the day's end
 * plus the late window (usage-api's), and live sync then has {@link #SETTLE_MARGIN} more to send
 * it, so a day is queued once that has passed, and its audit records are read up to when it was
 * queued. Each settled day after the last one queued for the tenant is queued, once, so a scheduler
 * that was down catches up; but none that started more than {@link #CATCH_UP} ago (Stripe takes no
 * meter event older, so nothing of such a day could be mended), and a tenant never queued before
 * gets the latest settled day only.
 */
public final class ReconciliationScheduling {
  /** After a day's late window, how long live sync has to send its last reports. */
  public static final Duration SETTLE_MARGIN = Duration.ofHours(1);

  /** How far back a scheduler that was down catches up: Stripe's bound on a meter event's age. */
  public static final Duration CATCH_UP = Duration.ofDays(35);

  /** The longest window an admin may ask for. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  private final StripeConnectors connectors;
  private final ReconciliationReports reports;
  private final BillingJobs jobs;
  private final Clock clock;
  private final Duration lateWindow;

  /**
   * @param lateWindow how long after its end a report may still land in a period (usage-api's)
   */
  public ReconciliationScheduling(
      StripeConnectors connectors,
      ReconciliationReports reports,
      BillingJobs jobs,
      Clock clock,
      Duration lateWindow) {
    this.connectors = connectors;
    this.reports = reports;
    this.jobs = jobs;
    this.clock = clock;
    this.lateWindow = lateWindow;
  }

  /** What a daily run queued, as "tenant day", and each tenant that failed. */
  public record DailyRun(List<String> queued, List<String> failures) {}

  /** The latest UTC day that has settled by {@code now}. */
  LocalDate settledDay(Instant now) {
    return LocalDate.ofInstant(now.minus(lateWindow).minus(SETTLE_MARGIN), ZoneOffset.UTC)
        .minusDays(1);
  }

  /**
   * Queues, for each tenant with a Stripe connector, each settled day's reconciliation not queued
   * before (see the class's comment), oldest first, each marked once queued; a tenant that fails is
   * tried again at the next run from the day it failed on.
   */
  public DailyRun daily(List<String> tenantIds) {
    Instant now = clock.instant();
    LocalDate latest = settledDay(now);
    LocalDate oldest = oldestCaughtUp(now);
    List<String> queued = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String tenantId : tenantIds) {
      try {
        if (connectors.find(tenantId).isEmpty()) {
          continue;
        }
        LocalDate first = reports.dailyQueued(tenantId).map(day -> day.plusDays(1)).orElse(latest);
        for (LocalDate day = first.isBefore(oldest) ? oldest : first;
            !day.isAfter(latest);
            day = day.plusDays(1)) {
          Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
          // Queued, then marked: a failure between queues it again, and the run records once.
          jobs.enqueue(
              new BillingJob.Reconciliation(
                  tenantId, "daily:" + day, start, start.plus(Duration.ofDays(1)), now));
          reports.markDailyQueued(tenantId, day);
          queued.add(tenantId + " " + day);
        }
      } catch (RuntimeException e) {
        failures.add("stripe reconciliation of tenant " + tenantId + ": " + e.getMessage());
      }
    }
    return new DailyRun(queued, failures);
  }

  /** The oldest UTC day that started at most {@link #CATCH_UP} before {@code now}. */
  static LocalDate oldestCaughtUp(Instant now) {
    Instant horizon = now.minus(CATCH_UP);
    LocalDate day = LocalDate.ofInstant(horizon, ZoneOffset.UTC);
    return day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(horizon) ? day.plusDays(1) : day;
  }

  /**
   * An admin's reconciliation of [from, to): whole minutes (Stripe's summaries take no other), at
   * most {@link #MAX_WINDOW}, ending by now. A window that has not settled may show differences
   * that resolve later (reports still late or on the queue).
   *
   * @param to null for now's minute
   */
  public BillingJob.Reconciliation request(ApiToken caller, Instant from, Instant to) {
    caller.requireAdmin();
    Instant now = clock.instant();
    if (from == null) {
      throw new InvalidInputException("from", "from is required (ISO-8601, a whole minute)");
    }
    Instant end = to == null ? now.truncatedTo(ChronoUnit.MINUTES) : to;
    requireWholeMinute("from", from);
    requireWholeMinute("to", end);
    if (end.isAfter(now)) {
      throw new InvalidInputException("to", "to is in the future: at most now, " + now);
    }
    if (!from.isBefore(end)) {
      throw new InvalidInputException("to", "to must be after from");
    }
    if (Duration.between(from, end).compareTo(MAX_WINDOW) > 0) {
      throw new InvalidInputException(
          "from", "a reconciliation covers at most " + MAX_WINDOW.toDays() + " days");
    }
    if (connectors.find(caller.tenantId()).isEmpty()) {
      throw new NotFoundException("connector", "stripe");
    }
    BillingJob.Reconciliation job =
        new BillingJob.Reconciliation(
            caller.tenantId(), "requested:" + Ids.newId("rcn", now), from, end, now);
    jobs.enqueue(job);
    return job;
  }

  private static void requireWholeMinute(String field, Instant at) {
    if (!at.equals(at.truncatedTo(ChronoUnit.MINUTES))) {
      throw new InvalidInputException(
          field, field + " must be a whole minute (Stripe's meter summaries take no other): " + at);
    }
  }
}
