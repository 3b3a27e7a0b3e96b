package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.NumericContract;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.Limits;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;

/**
 * Use case: an instance reports usage of a NUMERIC entitlement.
 *
 * <p>Longer than most classes here: a single report, its idempotent replay and the retry of a
 * contended counter are one path; batches are {@link ReportBatch}'s, what a key remembers {@link
 * IdempotencyKeys}'.
 */
public final class UsageReporting {
  /** The most reports one batch may carry. */
  public static final int MAX_BATCH = 1000;

  private final Definitions definitions;
  private final InstanceLookup instances;
  private final UsageCounters counters;
  private final UsageSignals signals;
  private final Clock clock;
  private final Duration lateWindow;
  private final ReportWindow window;

  /**
   * @param lateWindow how old a report's timestamp may be and still land in its own period
   */
  public UsageReporting(
      Definitions definitions,
      InstanceLookup instances,
      UsageCounters counters,
      ThresholdSignals signals,
      Clock clock,
      Duration lateWindow) {
    this.definitions = definitions;
    this.instances = instances;
    this.counters = counters;
    this.signals = new UsageSignals(signals, counters);
    this.clock = clock;
    this.lateWindow = lateWindow;
    this.window = new ReportWindow(lateWindow);
  }

  /** {@link #report(ApiToken, String, UsageReport, ReportJournal)} without a trail. */
  public ReportResult report(ApiToken caller, String instanceId, UsageReport report) {
    return report(caller, instanceId, report, ReportJournal.SILENT);
  }

  /**
   * Counts one report and answers the usage state after it. A counted report's audit record ({@code
   * journal}) is stored in the same atomic write as its counter change (and its key's marker): the
   * answer, and so the record, is computed from the counter as read just before the write.
   */
  public ReportResult report(
      ApiToken caller, String instanceId, UsageReport report, ReportJournal journal) {
    Instant now = clock.instant();
    Instant at = validate(report, now);
    // The entitlement is read once; the report's answer starts from its counter, read with the
    // instance when it can be.
    Optional<Entitlement> entitlement =
        definitions.findEntitlement(caller.tenantId(), report.entitlementSlug());
    InstanceLookup.Loaded loaded =
        instances.load(
            caller,
            instanceId,
            (tenantId, instance, license) ->
                entitlement
                    .filter(Entitlement::isMetered)
                    .flatMap(
                        found ->
                            Meter.expected(tenantId, instance, license, found, at)
                                .map(key -> Map.of(key, found.metering())))
                    .orElse(Map.of()));
    MeteredReport metered = meter(loaded.context(), 0, report, entitlement, at, now);
    try {
      return write(loaded.context(), loaded.tallies(), metered, journal);
    } catch (KaitenException | CounterContendedException answered) {
      throw answered; // a contended write was refused whole: nothing was applied
    } catch (RuntimeException failure) {
      // The write was sent: it may have been stored (a lost answer), so "not applied" would not be
      // true.
      throw ReportBatch.outcomeUnknown(metered, failure);
    }
  }

  /**
   * Many reports of one instance, each answered as if sent alone, in order. The batch is checked
   * whole before anything is written: one invalid report (its number, entitlement, timestamp or
   * key) refuses the batch, naming it ({@code events[3].value}), and nothing is counted. A report
   * refused by its limit or its license, a replay and a key conflict are answers of their own and
   * do not stop the others; a store failure part-way is answered per report (see {@link
   * ReportBatch}). The instance and its license are read once, with the counters of the reports
   * that carry a key; reports of one additive counter are written together.
   *
   * <p>An SDK also sends the tallies of its in-process checks. They are checked whole before any
   * report is counted (one bad tally refuses the batch: nothing is written) and count nothing;
   * their place is the audit trail, which the caller writes. Without tallies a batch holds 1 to
   * {@link #MAX_BATCH} reports; with them, 0 to {@link #MAX_BATCH}.
   *
   * @param checks null when the batch carries none
   */
  public List<BatchResult> reportAll(
      ApiToken caller, String instanceId, List<UsageReport> reports, CheckTallies checks) {
    return reportAll(caller, instanceId, reports, checks, ReportJournal.SILENT);
  }

  /**
   * {@link #reportAll(ApiToken, String, List, CheckTallies)}, each write storing the audit records
   * of the reports it counts ({@code journal}) with them.
   */
  public List<BatchResult> reportAll(
      ApiToken caller,
      String instanceId,
      List<UsageReport> reports,
      CheckTallies checks,
      ReportJournal journal) {
    List<UsageReport> events = reports == null ? List.of() : reports;
    if (events.size() > MAX_BATCH || (events.isEmpty() && checks == null)) {
      throw new InvalidInputException(
          "events",
          checks == null
              ? "events must hold 1 to " + MAX_BATCH + " reports"
              : "events must hold at most " + MAX_BATCH + " reports");
    }
    if (checks != null) {
      checks.validate(window, clock.instant());
    }
    BatchResult[] results = new BatchResult[events.size()];
    List<Sent> sent = new ArrayList<>(events.size());
    for (int index = 0; index < events.size(); index++) {
      UsageReport report = events.get(index);
      try {
        if (report == null) {
          throw new InvalidInputException(null, "a report must be an object");
        }
        Instant now = clock.instant();
        sent.add(new Sent(index, report, validate(report, now), now));
      } catch (KaitenException refused) {
        throw inBatch(index, refused);
      }
    }
    // Each entitlement of the batch is read once, for its counters and for its reports.
    Map<String, Optional<Entitlement>> entitlements = new HashMap<>();
    Function<String, Optional<Entitlement>> entitlement =
        slug ->
            entitlements.computeIfAbsent(
                slug, named -> definitions.findEntitlement(caller.tenantId(), named));
    InstanceLookup.Loaded loaded =
        instances.load(
            caller,
            instanceId,
            (tenantId, instance, license) ->
                expectedCounters(tenantId, instance, license, sent, entitlement));
    InstanceContext context = loaded.context();
    List<MeteredReport> metered = new ArrayList<>(sent.size());
    for (Sent one : sent) {
      try {
        metered.add(
            meter(
                context,
                one.index(),
                one.report(),
                entitlement.apply(one.report().entitlementSlug()),
                one.at(),
                one.now()));
      } catch (KaitenException refused) {
        throw inBatch(one.index(), refused);
      }
    }
    new ReportBatch(
            counters,
            signals,
            lateWindow,
            context,
            journal,
            (read, report) -> write(context, read, report, journal),
            loaded.tallies(),
            results)
        .write(metered);
    return List.of(results);
  }

  /**
   * A report's refusal as the batch's: the field is named within the batch ({@code
   * events[3].value}).
   */
  private static KaitenException inBatch(int index, KaitenException refused) {
    String field = "events[" + index + "]" + (refused.field() == null ? "" : "." + refused.field());
    String detail = "events[" + index + "]: " + refused.getMessage();
    if (refused instanceof InvalidInputException) {
      return new InvalidInputException(field, detail);
    }
    if (refused instanceof UnknownReferenceException) {
      return new UnknownReferenceException(field, detail);
    }
    return refused;
  }

  /** A report of a batch that passed its own checks, before the instance is read. */
  private record Sent(int index, UsageReport report, Instant at, Instant now) {}

  /** The counters of a batch's reports, read with the instance: their answers start from them. */
  private static Map<CounterKey, Metering> expectedCounters(
      String tenantId,
      String instanceId,
      String licenseId,
      List<Sent> sent,
      Function<String, Optional<Entitlement>> entitlement) {
    Map<CounterKey, Metering> expected = new HashMap<>();
    for (Sent one : sent) {
      entitlement
          .apply(one.report().entitlementSlug())
          .filter(Entitlement::isMetered)
          .ifPresent(
              found ->
                  Meter.expected(tenantId, instanceId, licenseId, found, one.at())
                      .ifPresent(key -> expected.put(key, found.metering())));
    }
    return expected;
  }

  /**
   * The report on its counter, and whether it is refused before any write.
   *
   * @param found the report's entitlement as read for this request
   */
  private MeteredReport meter(
      InstanceContext context,
      int index,
      UsageReport report,
      Optional<Entitlement> found,
      Instant at,
      Instant now) {
    Entitlement entitlement =
        found.orElseThrow(
            () ->
                new UnknownReferenceException(
                    "entitlement_slug",
                    "entitlement '" + report.entitlementSlug() + "' does not exist"));
    if (!entitlement.isMetered()) {
      throw new InvalidInputException(
          "entitlement_slug",
          "entitlement '"
              + entitlement.slug()
              + "' is "
              + entitlement.type()
              + "; only NUMERIC entitlements take usage");
    }
    Evaluation evaluation = context.evaluate(entitlement, now);
    Meter meter = Meter.locate(context, evaluation, at);
    Reason refusal =
        !meter.active()
            ? evaluation.reason()
            : Limits.refusedOutright(meter.aggregation(), report.value(), meter.ceiling())
                ? Reason.LIMIT_REACHED
                : null;
    return new MeteredReport(index, report, at, now, meter, refusal);
  }

  /**
   * One report written on its own: its counter change, its key's marker and its audit records in
   * one atomic write.
   *
   * @param read counters read with the instance, keyed as they were expected
   */
  private ReportResult write(
      InstanceContext context,
      Map<CounterKey, Tally> read,
      MeteredReport metered,
      ReportJournal journal) {
    Meter meter = metered.meter();
    UsageReport report = metered.report();
    Instant now = metered.now();
    if (metered.refusal() != null) {
      // A refusal does not use up an idempotency key, but a key used before still answers as it
      // did.
      return replay(context, report, now)
          .orElseGet(() -> rejected(meter, tally(read, meter), metered.refusal()));
    }
    // A retry reads the counter afresh.
    CounterUpdate update =
        Contention.retried(
            attempt ->
                count(
                    context,
                    metered,
                    journal,
                    attempt == 1
                        ? tally(read, meter)
                        : counters.tally(meter.key(), meter.metering())));
    if (update instanceof CounterUpdate.Refused refused) {
      return rejected(meter, refused.now(), Reason.LIMIT_REACHED);
    }
    if (update instanceof CounterUpdate.Duplicate duplicate) {
      return IdempotencyKeys.replayOf(duplicate.first(), report);
    }
    CounterUpdate.Counted counted = (CounterUpdate.Counted) update;
    BigDecimal estimated = counted.after().value(meter.aggregation());
    signals.crossings(meter, counted.before().value(meter.aggregation()), estimated);
    if (counted.estimated()) {
      signals.settled(meter, estimated);
    }
    return meter.counted(counted.after());
  }

  /**
   * The report, its key's marker and its audit records in one atomic write; its answer (which the
   * marker and the records hold) is computed from the counter as read just before, in its step.
   */
  private CounterUpdate count(
      InstanceContext context, MeteredReport metered, ReportJournal journal, Tally before) {
    Meter meter = metered.meter();
    UsageReport report = metered.report();
    CounterStep step = CounterStep.of(before, Tally.EMPTY.plus(report.value(), metered.at()));
    ReportResult answer = meter.counted(step.after());
    IdempotentReport remember =
        report.idempotencyKey() == null
            ? null
            : IdempotencyKeys.remember(context, report, answer, metered.now());
    return counters.count(
        meter.key(),
        meter.metering(),
        meter.close(lateWindow),
        step,
        meter.storeCeiling(),
        remember,
        journal.records(
            List.of(new ReportJournal.Counted(metered.index(), report, answer, metered.at()))));
  }

  /** The counter as read with the instance, or read now. */
  private Tally tally(Map<CounterKey, Tally> read, Meter meter) {
    Tally known = read.get(meter.key());
    return known != null ? known : counters.tally(meter.key(), meter.metering());
  }

  /** The remembered answer of a key used before, if any. */
  private Optional<ReportResult> replay(InstanceContext context, UsageReport report, Instant now) {
    if (report.idempotencyKey() == null) {
      return Optional.empty();
    }
    return counters
        .remembered(context.tenantId(), context.instance().id(), report.idempotencyKey(), now)
        .map(first -> IdempotencyKeys.replayOf(first, report));
  }

  private Instant validate(UsageReport report, Instant now) {
    if (report.entitlementSlug() == null || report.entitlementSlug().isBlank()) {
      throw new InvalidInputException("entitlement_slug", "entitlement_slug is required");
    }
    if (report.leaseId() != null) {
      throw new InvalidInputException(
          "lease_id",
          "a report naming a lease is sent on its own, to "
              + "POST /api/instances/{id}/usage; a batch does not settle leases");
    }
    if (report.reports() != null) {
      throw new InvalidInputException(
          "reports",
          "reports is only for a settlement naming lease_id: a plain report" + " is one report");
    }
    BigDecimal value = report.value();
    if (value == null) {
      throw new InvalidInputException("value", "value is required");
    }
    NumericContract.requireQuantity("value", value);
    if (report.idempotencyKey() != null
        && !IdempotencyKeys.FORMAT.matcher(report.idempotencyKey()).matches()) {
      throw new InvalidInputException(
          "idempotency_key",
          "idempotency_key must be 1 to 128 characters of letters, digits and . _ : -");
    }
    return window.require("timestamp", report.timestamp() == null ? now : report.timestamp(), now);
  }

  private ReportResult rejected(Meter meter, Tally now, Reason reason) {
    signals.refusal(meter, now.value(meter.aggregation()), reason);
    return new ReportResult(meter.state(now).withStatus(UsageStatus.REJECTED), reason);
  }
}
