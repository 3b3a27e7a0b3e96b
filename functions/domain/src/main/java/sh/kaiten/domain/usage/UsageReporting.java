package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.CounterContendedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.Limits;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.ThresholdCrossing;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;

/** Use case: an instance reports usage of a NUMERIC entitlement. */
public final class UsageReporting {
  /** The most significant digits a value may carry; DynamoDB numbers hold 38. */
  static final int MAX_DIGITS = 30;
  /** The largest single report; keeps every counter well inside DynamoDB's number range. */
  static final BigDecimal MAX_VALUE = new BigDecimal("1e15");
  /** An idempotency key: 1 to 128 of letters, digits and {@code . _ : -}. */
  static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** The most reports one batch may carry. */
  public static final int MAX_BATCH = 1000;
  /** How long an idempotency key is remembered. */
  public static final Duration IDEMPOTENCY_WINDOW = Duration.ofDays(35);
  /** How often a write that met another write of its counter is tried. */
  private static final int CONTENDED_ATTEMPTS = 8;
  /** Beyond this many counters the memory of refusals already signalled starts over. */
  private static final int MAX_REMEMBERED_REFUSALS = 10_000;

  private final CatalogStore catalog;
  private final InstanceLookup instances;
  private final UsageCounters counters;
  private final ThresholdSignals signals;
  private final Clock clock;
  private final Duration lateWindow;
  private final ReportWindow window;
  /** The counters this function instance has signalled a refusal of. */
  private final Set<CounterKey> refusalsSignalled = ConcurrentHashMap.newKeySet();

  /** @param lateWindow how old a report's timestamp may be and still land in its own period */
  public UsageReporting(CatalogStore catalog, InstanceReads reads, UsageCounters counters, ThresholdSignals signals,
      Clock clock, Duration lateWindow) {
    this.catalog = catalog;
    this.instances = new InstanceLookup(catalog, reads);
    this.counters = counters;
    this.signals = signals;
    this.clock = clock;
    this.lateWindow = lateWindow;
    this.window = new ReportWindow(lateWindow);
  }

  public ReportResult report(ApiToken caller, String instanceId, UsageReport report) {
    Instant now = clock.instant();
    Instant at = validate(report, now);
    // A report with a key reads its counter first: it is read with the instance when it can be.
    Optional<Entitlement> entitlement = catalog.findEntitlement(caller.tenantId(), report.entitlementSlug())
        .filter(found -> report.idempotencyKey() != null && found.isMetered());
    InstanceLookup.Loaded loaded = instances.load(caller, instanceId, (tenantId, instance, license) ->
        entitlement.flatMap(found -> Meter.expected(tenantId, instance, license, found, at)
            .map(key -> Map.of(key, found.metering()))).orElse(Map.of()));
    return report(loaded.context(), loaded.tallies(), report, at, now);
  }

  /**
   * Many reports of one instance, each decided on its own as if sent alone, in order: one that is
   * refused or invalid does not stop the others. The instance and its license are read once.
   *
   * <p>An SDK also sends the tallies of its in-process checks. They are checked whole before any
   * report is counted (one bad tally refuses the batch: nothing is written) and count nothing; their
   * place is the audit trail, which the caller writes. Without tallies a batch holds 1 to
   * {@link #MAX_BATCH} reports; with them, 0 to {@link #MAX_BATCH}.
   *
   * @param checks null when the batch carries none
   */
  public List<BatchResult> reportAll(ApiToken caller, String instanceId, List<UsageReport> reports, CheckTallies checks) {
    List<UsageReport> events = reports == null ? List.of() : reports;
    if (events.size() > MAX_BATCH || (events.isEmpty() && checks == null)) {
      throw new InvalidInputException("events", checks == null
          ? "events must hold 1 to " + MAX_BATCH + " reports"
          : "events must hold at most " + MAX_BATCH + " reports");
    }
    if (checks != null) {
      checks.validate(window, clock.instant());
    }
    InstanceContext context = instances.load(caller, instanceId);
    List<BatchResult> results = new ArrayList<>(events.size());
    for (UsageReport report : events) {
      try {
        if (report == null) {
          throw new InvalidInputException(null, "a report must be an object");
        }
        Instant now = clock.instant();
        results.add(BatchResult.of(report(context, Map.of(), report, validate(report, now), now)));
      } catch (KaitenException refused) {
        results.add(BatchResult.failed(refused));
      }
    }
    return results;
  }

  /** @param read counters read with the instance, keyed as they were expected */
  private ReportResult report(
      InstanceContext context, Map<CounterKey, Tally> read, UsageReport report, Instant at, Instant now) {
    Entitlement entitlement = catalog
        .findEntitlement(context.tenantId(), report.entitlementSlug())
        .orElseThrow(() -> new UnknownReferenceException(
            "entitlement_slug", "entitlement '" + report.entitlementSlug() + "' does not exist"));
    if (!entitlement.isMetered()) {
      throw new InvalidInputException(
          "entitlement_slug",
          "entitlement '" + entitlement.slug() + "' is " + entitlement.type() + "; only NUMERIC entitlements take usage");
    }
    Evaluation evaluation = context.evaluate(entitlement, now);
    Meter meter = Meter.locate(context, evaluation, at);
    Aggregation aggregation = meter.aggregation();
    BigDecimal ceiling = Limits.ceiling(meter.metering(), meter.limit());
    Reason refusal = !meter.active() ? evaluation.reason()
        : Limits.refusedOutright(aggregation, report.value(), ceiling) ? Reason.LIMIT_REACHED
        : null;
    if (refusal != null) {
      // A refusal does not use up an idempotency key, but a key used before still answers as it did.
      return replay(context, report, now).orElseGet(() -> rejected(meter, tally(read, meter), refusal));
    }
    BigDecimal storeCeiling = Limits.storeCeiling(aggregation, ceiling);
    CounterUpdate update;
    if (report.idempotencyKey() == null) {
      update = contended(attempt ->
          counters.add(meter.key(), meter.metering(), meter.close(lateWindow), report.value(), at, storeCeiling));
    } else {
      // A retry reads the counter afresh.
      update = contended(attempt -> addOnce(context, meter, report, at, now, storeCeiling,
          attempt == 1 ? tally(read, meter) : counters.tally(meter.key(), meter.metering())));
    }
    if (update instanceof CounterUpdate.Refused refused) {
      return rejected(meter, refused.now(), Reason.LIMIT_REACHED);
    }
    if (update instanceof CounterUpdate.Duplicate duplicate) {
      return replayOf(duplicate.first(), report);
    }
    CounterUpdate.Counted counted = (CounterUpdate.Counted) update;
    signalCrossings(meter, counted.before().value(aggregation), counted.after().value(aggregation));
    return counted(meter, counted.after());
  }

  /** The report and its key's marker in one transaction; its answer is computed from the counter as read just before. */
  private CounterUpdate addOnce(InstanceContext context, Meter meter, UsageReport report, Instant at, Instant now,
      BigDecimal storeCeiling, Tally before) {
    ReportResult answer = counted(meter, before.plus(report.value(), at));
    return counters.addOnce(meter.key(), meter.metering(), meter.close(lateWindow), report.value(), at, storeCeiling,
        before, new IdempotentReport(context.tenantId(), context.instance().id(), report.idempotencyKey(),
            fingerprint(report), answer, now.plus(IDEMPOTENCY_WINDOW)));
  }

  /** The counter as read with the instance, or read now. */
  private Tally tally(Map<CounterKey, Tally> read, Meter meter) {
    Tally known = read.get(meter.key());
    return known != null ? known : counters.tally(meter.key(), meter.metering());
  }

  /**
   * A write the store refused because another write of the same counter was in flight (a
   * transaction) was not applied; it is tried again, from a fresh read, a few times.
   */
  private static CounterUpdate contended(IntFunction<CounterUpdate> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.apply(attempt);
      } catch (CounterContendedException contended) {
        if (attempt == CONTENDED_ATTEMPTS) {
          throw contended;
        }
        backOff(attempt);
      }
    }
  }

  /** A short random pause that grows with the attempts, so that contenders spread out. */
  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 1L << Math.min(attempt + 2, 8)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a contended report", e);
    }
  }

  /** The remembered answer of a key used before, if any. */
  private Optional<ReportResult> replay(InstanceContext context, UsageReport report, Instant now) {
    if (report.idempotencyKey() == null) {
      return Optional.empty();
    }
    return counters.remembered(context.tenantId(), context.instance().id(), report.idempotencyKey(), now)
        .map(first -> replayOf(first, report));
  }

  private static ReportResult replayOf(IdempotentReport first, UsageReport report) {
    if (!first.fingerprint().equals(fingerprint(report))) {
      throw new ConflictException("idempotency_key", "idempotency key '" + report.idempotencyKey()
          + "' was used for another report; a key may be reused only with the same report");
    }
    return first.result().asReplay();
  }

  /** The report as sent, so a replay can be told from another report under the same key. */
  static String fingerprint(UsageReport report) {
    return report.entitlementSlug() + "|" + report.value().stripTrailingZeros().toPlainString() + "|"
        + (report.timestamp() == null ? "" : report.timestamp().toString());
  }

  private static ReportResult counted(Meter meter, Tally after) {
    BigDecimal usage = after.value(meter.aggregation());
    return new ReportResult(meter.state(after).withStatus(countedStatus(meter, usage)), null);
  }

  private Instant validate(UsageReport report, Instant now) {
    if (report.entitlementSlug() == null || report.entitlementSlug().isBlank()) {
      throw new InvalidInputException("entitlement_slug", "entitlement_slug is required");
    }
    BigDecimal value = report.value();
    if (value == null) {
      throw new InvalidInputException("value", "value is required");
    }
    if (value.signum() < 0) {
      throw new InvalidInputException("value", "value must not be negative");
    }
    if (value.compareTo(MAX_VALUE) > 0) {
      throw new InvalidInputException("value", "value must be at most " + MAX_VALUE.toPlainString());
    }
    if (value.precision() > MAX_DIGITS) {
      throw new InvalidInputException("value", "value must have at most " + MAX_DIGITS + " significant digits");
    }
    if (report.idempotencyKey() != null && !IDEMPOTENCY_KEY.matcher(report.idempotencyKey()).matches()) {
      throw new InvalidInputException("idempotency_key",
          "idempotency_key must be 1 to 128 characters of letters, digits and . _ : -");
    }
    return window.require("timestamp", report.timestamp() == null ? now : report.timestamp(), now);
  }

  private static UsageStatus countedStatus(Meter meter, BigDecimal total) {
    boolean atOrOverSoftLimit = meter.metering().enforcement() == Enforcement.SOFT
        && meter.limit() != null
        && total.compareTo(meter.limit()) >= 0;
    return atOrOverSoftLimit ? UsageStatus.EXCEEDED : UsageStatus.ACCEPTED;
  }

  /** Thresholds crossed, and the first report past a SOFT limit, go to the threshold evaluator. */
  private void signalCrossings(Meter meter, BigDecimal previous, BigDecimal total) {
    if (meter.limit() == null) {
      return;
    }
    List<Integer> crossed =
        ThresholdCrossing.crossedThresholds(meter.metering().thresholds(), meter.limit(), previous, total);
    if (!crossed.isEmpty()) {
      signals.publish(new ThresholdSignal(meter.key(), meter.limit(), previous, total, crossed));
    }
    if (meter.metering().enforcement() == Enforcement.SOFT
        && previous.compareTo(meter.limit()) <= 0 && total.compareTo(meter.limit()) > 0) {
      signals.publish(new ThresholdSignal(
          meter.key(), meter.limit(), previous, total, List.of(), ThresholdSignal.Kind.EXCEEDED, null));
    }
  }

  /**
   * A refusal goes to the threshold evaluator, which fires the first of each counter and period. This
   * function sends it once per counter, so a client retrying against its limit sends no flood.
   */
  private void signalRefusal(Meter meter, BigDecimal usage, Reason reason) {
    if (refusalsSignalled.size() >= MAX_REMEMBERED_REFUSALS) {
      refusalsSignalled.clear();
    }
    if (refusalsSignalled.add(meter.key())) {
      signals.publish(new ThresholdSignal(
          meter.key(), meter.limit(), usage, usage, List.of(), ThresholdSignal.Kind.REJECTED, reason));
    }
  }

  private ReportResult rejected(Meter meter, Tally now, Reason reason) {
    signalRefusal(meter, now.value(meter.aggregation()), reason);
    return new ReportResult(meter.state(now).withStatus(UsageStatus.REJECTED), reason);
  }
}
