package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.NumericContract;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.Lease;
import sh.kaiten.domain.metering.LeasedCounter;
import sh.kaiten.domain.metering.QuotaLeases;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;

/**
 * Use case: an instance leases a slice of what remains of a HARD quota, spends it in-process,
 * reports what it spent naming the lease, and releases what it did not spend. Every decision is
 * made on the counter as read and written in one conditional write ({@link QuotaLeases}); a write
 * that finds the counter moved is decided again on a fresh read.
 *
 * <p>Only a NUMERIC HARD entitlement aggregated by SUM or COUNT, on one item, takes leases: those
 * are the counters whose usage reaches a limit by accumulating. A lease ends at its expiry (at most
 * {@link #MAX_TTL} after it was granted, and never after its period ends: a new period starts with
 * no lease), and its unused units count against the limit until then.
 *
 * <p>Longer than most classes here: grant, report and release are three steps of one lease, each
 * decided on the same read of the counter, and share their checks of lease ids and bounds.
 */
public final class QuotaLeasing {
  /** The longest a lease lasts: what a crashed holder keeps from the others at most. */
  public static final Duration MAX_TTL = Duration.ofMinutes(5);

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

  /** The most live leases one counter holds: each is about 120 bytes of its item. */
  public static final int MAX_LEASES = 100;

  /**
   * The most reports one settlement stands for: a holder that decides in-process settles what it
   * spent in one report per flush, thousands of decisions at a time.
   */
  public static final int MAX_REPORTS = 1_000_000_000;

  /** A lease id as given out: {@code lse_} and 26 base32 characters; anything else is not one. */
  static final Pattern LEASE_ID = Pattern.compile("lse_[0-9a-z]{26}");

  private final Definitions definitions;
  private final InstanceLookup instances;
  private final UsageCounters counters;
  private final QuotaLeases leases;
  private final UsageSignals signals;
  private final Clock clock;
  private final Duration lateWindow;
  private final ReportWindow window;

  public QuotaLeasing(
      Definitions definitions,
      InstanceLookup instances,
      UsageCounters counters,
      QuotaLeases leases,
      ThresholdSignals signals,
      Clock clock,
      Duration lateWindow) {
    this.definitions = definitions;
    this.instances = instances;
    this.counters = counters;
    this.leases = leases;
    this.signals = new UsageSignals(signals, counters);
    this.clock = clock;
    this.lateWindow = lateWindow;
    this.window = new ReportWindow(lateWindow);
  }

  /**
   * Grants up to {@code units} of what remains (possibly fewer, possibly none), so that usage plus
   * every live lease stays at or under the limit. Nothing granted writes nothing and answers a null
   * lease id with the reason.
   */
  public LeaseAnswer grant(
      ApiToken caller, String instanceId, LeaseRequest request, LeaseJournal journal) {
    Instant now = clock.instant();
    requireSlug(request.entitlementSlug());
    BigDecimal units = request.units();
    if (units == null) {
      throw new InvalidInputException("units", "units is required");
    }
    NumericContract.requireQuantity("units", units);
    if (units.signum() == 0) {
      throw new InvalidInputException("units", "units must be more than 0");
    }
    Integer ttlSeconds = request.ttlSeconds();
    if (ttlSeconds != null && (ttlSeconds < 1 || ttlSeconds > MAX_TTL.toSeconds())) {
      throw new InvalidInputException(
          "ttl_seconds", "ttl_seconds must be 1 to " + MAX_TTL.toSeconds());
    }
    InstanceContext context = instances.load(caller, instanceId);
    Meter meter = leasable(context, request.entitlementSlug(), now);
    if (meter.aggregation() == Aggregation.COUNT && units.stripTrailingZeros().scale() > 0) {
      throw new InvalidInputException(
          "units", "a COUNT entitlement leases whole reports: units must be a whole number");
    }
    Instant expires = now.plus(ttlSeconds == null ? DEFAULT_TTL : Duration.ofSeconds(ttlSeconds));
    if (meter.period().end() != null && meter.period().end().isBefore(expires)) {
      expires = meter.period().end(); // a lease never outlives its period
    }
    Instant expiresAt = expires;
    String leaseId = Ids.newId("lse", now);
    BigDecimal ceiling = meter.ceiling();
    return Contention.retried(
        attempt -> {
          LeasedCounter seen = leases.read(meter.key(), meter.metering());
          if (!meter.active()) {
            return answer(
                meter, seen, now, null, units, BigDecimal.ZERO, null, meter.evaluation().reason());
          }
          if (seen.live(now) >= MAX_LEASES) {
            throw new ConflictException(
                "entitlement_slug",
                "the counter of '"
                    + meter.evaluation().entitlement().slug()
                    + "' holds "
                    + MAX_LEASES
                    + " live leases, the most it takes: release one, or wait until one expires");
          }
          BigDecimal fits = ceiling == null ? units : seen.available(ceiling, now).min(units);
          BigDecimal granted =
              meter.aggregation() == Aggregation.COUNT ? fits.setScale(0, RoundingMode.DOWN) : fits;
          if (granted.signum() == 0) {
            return answer(
                meter, seen, now, null, units, BigDecimal.ZERO, null, Reason.LIMIT_REACHED);
          }
          Lease lease = new Lease(leaseId, context.instance().id(), granted, granted, expiresAt);
          LeaseAnswer answer = answer(meter, seen, now, lease, units, granted, expiresAt, null);
          leases.grant(
              meter.key(),
              meter.metering(),
              seen,
              lease,
              ceiling,
              MAX_LEASES,
              now,
              journal.records(answer));
          return answer;
        });
  }

  /**
   * Counts a report that spent units of a lease: the units move from the lease to the usage, in one
   * write. A report of more than the lease has left takes the rest from the pool, under the limit
   * as a plain report is (REJECTED, and nothing counted, when it does not fit). The lease must be
   * the instance's, on the report's counter, and live: an unknown one is a 422, an expired one a
   * 409 (its units are back in the pool; report without {@code lease_id}).
   *
   * <p>A settlement may stand for many reports ({@link UsageReport#reports}, whose values sum to
   * its value): under COUNT it takes that many units, and the counter counts that many reports.
   */
  public ReportResult settle(
      ApiToken caller, String instanceId, UsageReport report, ReportJournal journal) {
    Instant now = clock.instant();
    requireSlug(report.entitlementSlug());
    if (report.value() == null) {
      throw new InvalidInputException("value", "value is required");
    }
    NumericContract.requireQuantity("value", report.value());
    long reports = reports(report.reports());
    requireLeaseId(report.leaseId());
    if (report.idempotencyKey() != null
        && !IdempotencyKeys.FORMAT.matcher(report.idempotencyKey()).matches()) {
      throw new InvalidInputException(
          "idempotency_key",
          "idempotency_key must be 1 to 128 characters of letters, digits and . _ : -");
    }
    Instant at =
        window.require("timestamp", report.timestamp() == null ? now : report.timestamp(), now);
    InstanceContext context = instances.load(caller, instanceId);
    Meter meter = leasable(context, report.entitlementSlug(), at, now);
    if (report.idempotencyKey() != null) {
      var first =
          counters.remembered(
              context.tenantId(), context.instance().id(), report.idempotencyKey(), now);
      if (first.isPresent()) {
        return IdempotencyKeys.replayOf(first.get(), report);
      }
    }
    BigDecimal ceiling = meter.ceiling();
    CounterUpdate update =
        Contention.retried(
            attempt -> {
              LeasedCounter seen = leases.read(meter.key(), meter.metering());
              Lease lease = liveLease(context, seen, report.leaseId(), now, "lease_id", false);
              if (!meter.active()) {
                return new CounterUpdate.Refused(seen.tally());
              }
              BigDecimal step =
                  meter.aggregation() == Aggregation.COUNT
                      ? BigDecimal.valueOf(reports)
                      : report.value();
              BigDecimal fromLease = step.min(lease.units());
              BigDecimal fromPool = step.subtract(fromLease);
              if (fromPool.signum() > 0
                  && ceiling != null
                  && seen.heldAt(now).add(fromPool).compareTo(ceiling) > 0) {
                return new CounterUpdate.Refused(seen.tally());
              }
              ReportResult answer = meter.counted(seen.tally().plus(report.value(), reports, at));
              IdempotentReport remember =
                  report.idempotencyKey() == null
                      ? null
                      : IdempotencyKeys.remember(context, report, answer, now);
              return leases.settle(
                  meter.key(),
                  meter.metering(),
                  meter.close(lateWindow),
                  seen,
                  lease,
                  report.value(),
                  reports,
                  at,
                  fromLease,
                  fromPool,
                  ceiling,
                  now,
                  remember,
                  journal.records(List.of(new ReportJournal.Counted(0, report, answer, at))));
            });
    if (update instanceof CounterUpdate.Refused refused) {
      Reason reason = meter.active() ? Reason.LIMIT_REACHED : meter.evaluation().reason();
      signals.refusal(meter, refused.now().value(meter.aggregation()), reason);
      return new ReportResult(meter.state(refused.now()).withStatus(UsageStatus.REJECTED), reason);
    }
    if (update instanceof CounterUpdate.Duplicate duplicate) {
      return IdempotencyKeys.replayOf(duplicate.first(), report);
    }
    CounterUpdate.Counted counted = (CounterUpdate.Counted) update;
    BigDecimal after = counted.after().value(meter.aggregation());
    signals.crossings(meter, counted.before().value(meter.aggregation()), after);
    signals.settled(meter, after);
    return meter.counted(counted.after());
  }

  /** Ends a live lease of the instance early: its unused units return to the pool at once. */
  public LeaseAnswer release(
      ApiToken caller, String instanceId, String slug, String leaseId, LeaseJournal journal) {
    Instant now = clock.instant();
    requireSlug(slug);
    requireLeaseId(leaseId);
    InstanceContext context = instances.load(caller, instanceId);
    Meter meter = leasable(context, slug, now);
    return Contention.retried(
        attempt -> {
          LeasedCounter seen = leases.read(meter.key(), meter.metering());
          Lease lease = liveLease(context, seen, leaseId, now, "lease_id", true);
          BigDecimal leased = seen.leased(now).subtract(lease.units());
          LeaseAnswer answer =
              new LeaseAnswer(
                  leaseId,
                  slug,
                  null,
                  null,
                  lease.units(),
                  null,
                  meter.limit(),
                  seen.usage(meter.aggregation()),
                  leased,
                  available(meter, seen.heldAt(now).subtract(lease.units())),
                  meter.period(),
                  null);
          leases.release(meter.key(), meter.metering(), seen, lease, now, journal.records(answer));
          return answer;
        });
  }

  /** The instance's lease on the counter, live at {@code now}. */
  private static Lease liveLease(
      InstanceContext context,
      LeasedCounter seen,
      String leaseId,
      Instant now,
      String field,
      boolean inPath) {
    Lease lease =
        seen.lease(leaseId)
            .filter(found -> found.instanceId().equals(context.instance().id()))
            .orElseThrow(
                () ->
                    inPath
                        ? new NotFoundException("lease", leaseId, field)
                        : new UnknownReferenceException(
                            field,
                            "lease '"
                                + leaseId
                                + "' is not a live lease of this instance on"
                                + " this counter (it never was, or it expired and was pruned, or its period ended): report without lease_id"));
    if (!lease.liveAt(now)) {
      throw new ConflictException(
          field,
          "lease '"
              + leaseId
              + "' expired at "
              + lease.expiresAt()
              + "; its unused units went back to the pool"
              + (inPath ? "" : ": report without lease_id"));
    }
    return lease;
  }

  private LeaseAnswer answer(
      Meter meter,
      LeasedCounter seen,
      Instant now,
      Lease lease,
      BigDecimal requested,
      BigDecimal granted,
      Instant expiresAt,
      Reason reason) {
    return new LeaseAnswer(
        lease == null ? null : lease.id(),
        meter.evaluation().entitlement().slug(),
        requested,
        granted,
        null,
        expiresAt,
        meter.limit(),
        seen.usage(meter.aggregation()),
        seen.leased(now).add(granted),
        available(meter, seen.heldAt(now).add(granted)),
        meter.period(),
        reason);
  }

  private static BigDecimal available(Meter meter, BigDecimal held) {
    BigDecimal ceiling = meter.ceiling();
    return ceiling == null ? null : ceiling.subtract(held).max(BigDecimal.ZERO);
  }

  private Meter leasable(InstanceContext context, String slug, Instant now) {
    return leasable(context, slug, now, now);
  }

  /** The counter of a leasable entitlement at {@code at}, evaluated at {@code now}. */
  private Meter leasable(InstanceContext context, String slug, Instant at, Instant now) {
    Entitlement entitlement =
        definitions
            .findEntitlement(context.tenantId(), slug)
            .orElseThrow(
                () ->
                    new UnknownReferenceException(
                        "entitlement_slug", "entitlement '" + slug + "' does not exist"));
    if (!entitlement.isMetered()) {
      throw new InvalidInputException(
          "entitlement_slug",
          "entitlement '"
              + slug
              + "' is "
              + entitlement.type()
              + "; only NUMERIC entitlements take leases");
    }
    Metering metering = entitlement.metering();
    if (metering.enforcement() != Enforcement.HARD
        || metering.shards() != 1
        || (metering.aggregation() != Aggregation.SUM
            && metering.aggregation() != Aggregation.COUNT)) {
      throw new InvalidInputException(
          "entitlement_slug",
          "entitlement '"
              + slug
              + "' is "
              + metering.enforcement()
              + " "
              + metering.aggregation()
              + "; only HARD SUM and COUNT entitlements take leases");
    }
    Evaluation evaluation = context.evaluate(entitlement, now);
    return Meter.locate(context, evaluation, at);
  }

  private static void requireSlug(String slug) {
    if (slug == null || slug.isBlank()) {
      throw new InvalidInputException("entitlement_slug", "entitlement_slug is required");
    }
  }

  /** How many reports a settlement stands for: 1 when not given. */
  private static long reports(Integer reports) {
    if (reports == null) {
      return 1;
    }
    if (reports < 1 || reports > MAX_REPORTS) {
      throw new InvalidInputException(
          "reports", "reports must be a whole number from 1 to " + MAX_REPORTS);
    }
    return reports;
  }

  private static void requireLeaseId(String leaseId) {
    if (leaseId == null || !LEASE_ID.matcher(leaseId).matches()) {
      throw new InvalidInputException(
          "lease_id", "lease_id must be a lease id as granted (lse_ and 26 letters and digits)");
    }
  }
}
