package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Kaiten in process: entitlements decided from a snapshot held in memory, usage queued and
 * delivered in batches exactly once, every check tallied into the audit trail.
 *
 * <pre>{@code
 * KaitenClient kaiten = KaitenClient.builder()
 *     .baseUrl("https://api.example.com").token("ksh_...").instance("acme-prod")
 *     .build();                                  // loads the snapshot; ready when build() returns
 * if (kaiten.check("api-calls", 1).allowed()) {  // in process, no request
 *   kaiten.report("api-calls", 1);               // queued; delivered in batches, exactly once
 * }
 * kaiten.close();                                // delivers what is queued, stops background work
 * }</pre>
 *
 * <p>The snapshot is revalidated in the background every {@link Builder#pollInterval} ({@code
 * If-None-Match}: an unchanged one costs the server two reads and no write) and answers while it is
 * revalidated. A check counts this process's own reports not yet in the snapshot, so a HARD limit
 * is refused here as soon as this process has used it up; {@link #use} decides a HARD SUM or COUNT
 * limit from a lease instead, exact across every process that shares it. Trial ends and license
 * expiries apply at their instant from the snapshot's dates. Thread-safe; one client per instance
 * and process.
 */
public final class KaitenClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KaitenClient.class.getName());

  /** The server's slug syntax: tallies of other names cannot be recorded. */
  private static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

  /**
   * Distinct entitlements this client keeps meters for; checks of more unknown names share one
   * uncounted meter.
   */
  private static final int MAX_METERS = 10_000;

  /**
   * What the server counts exactly (docs/api.md, "Numbers"): values 0 to 10^15, at most 6 decimal
   * places.
   */
  private static final BigDecimal MAX_VALUE = BigDecimal.TEN.pow(15);

  private static final int MAX_DECIMALS = 6;

  /** What a check decided with no snapshot at all is decided from. */
  private static final Object NO_SNAPSHOT = new Object();

  private static final int LAPSED = 1;
  private static final int PERIOD_OVER = 2;
  private static final int STALE = 4;

  private final String instance;
  private final String instancePath;
  private final Clock clock;
  private final Transport transport;
  private final Listeners listeners = new Listeners();
  private final ConcurrentHashMap<String, Meter> meters = new ConcurrentHashMap<>();
  private final Meter overflow = new Meter("");
  private final Map<String, Boolean> defaults;
  private final boolean openByDefault;
  private final long staleAfter;
  private final Path snapshotFile;
  private final UsagePipeline pipeline;

  /** Null when leasing is turned off: HARD limits are then decided from the snapshot alone. */
  private final Leases leases;

  private final Duration closeTimeout;
  private final ScheduledExecutorService poller;

  /** Null until a snapshot is loaded, from the server or the snapshot file. */
  private volatile Snapshot snapshot;

  /** When the server last confirmed the snapshot (epoch millis). */
  private volatile long confirmedAt = Long.MIN_VALUE / 2;

  /**
   * False while the snapshot held was read as usage was being delivered, so it may hold reports the
   * meters still count as pending.
   */
  private volatile boolean snapshotExact = true;

  /** The deliveries' quiet mark when the read under way began, or {@link #NOT_READING}. */
  private volatile long reading = NOT_READING;

  private static final long NOT_READING = -2;
  private static final int FETCHES_PER_REFRESH = 3;

  private volatile boolean toldStale;
  private volatile boolean closed;
  private final Accounting accounting = new Accounting();

  private KaitenClient(Builder builder) {
    this.instance = builder.instance;
    this.instancePath =
        "api/instances/" + URLEncoder.encode(builder.instance, StandardCharsets.UTF_8);
    this.clock = builder.clock;
    this.transport =
        new Transport(
            builder.baseUrl, builder.token, builder.connectTimeout, builder.requestTimeout);
    this.defaults = Map.copyOf(builder.defaults);
    this.openByDefault = builder.openByDefault;
    this.staleAfter =
        (builder.staleAfter != null ? builder.staleAfter : builder.pollInterval.multipliedBy(3))
            .toMillis();
    this.snapshotFile = builder.snapshotFile;
    builder.listeners.forEach(listeners::add);
    this.pipeline =
        new UsagePipeline(
            transport,
            instancePath,
            builder.pipeline,
            listeners,
            clock,
            accounting,
            this::drainTallies);
    this.leases =
        !builder.leasing
            ? null
            : new Leases(
                transport,
                instancePath,
                clock,
                builder.leaseTtl,
                builder.leaseShare,
                builder.pipeline.flushInterval,
                new LeasedEntitlements(),
                pipeline,
                accounting);
    this.closeTimeout = builder.pipeline.closeTimeout;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "kaiten-snapshot-" + builder.instance);
              thread.setDaemon(true);
              return thread;
            });
  }

  public static Builder builder() {
    return new Builder();
  }

  private void start(Duration pollInterval) {
    try {
      if (snapshotFile != null && Files.exists(snapshotFile)) {
        loadFile();
      }
      refresh(true);
      pipeline.start();
      if (leases != null) {
        leases.start(instance);
      }
    } catch (IOException e) {
      poller.shutdownNow();
      throw new UncheckedIOException("the Kaiten client could not start", e);
    } catch (RuntimeException e) {
      poller.shutdownNow();
      throw e;
    }
    long every = pollInterval.toMillis();
    poller.scheduleWithFixedDelay(() -> refresh(false), every, every, TimeUnit.MILLISECONDS);
  }

  // ---- decisions, in process ----

  /**
   * May this process use {@code amount} of the entitlement now? Decided in process: from the
   * snapshot, this process's reports not yet in it, and the license's dates. For a NUMERIC
   * entitlement: SUM adds {@code amount} to the usage, COUNT counts one report, MAX, MIN, LATEST
   * and AVERAGE compare {@code amount} itself with the limit (as the server does for HARD limits).
   * A BOOLEAN or CONFIG entitlement is allowed when granted, whatever the amount. A HARD limit this
   * client holds a lease of ({@link #use}) is answered from the lease: whether it covers {@code
   * amount} now (asking the server for one when it does not). A check does not take the amount:
   * between a check and a report another thread or process may; {@link #use} does both in one step.
   */
  public Check check(String entitlement, double amount) {
    long now = clock.millis();
    Meter meter = meter(entitlement);
    Snapshot current = snapshot;
    Check check = leased(entitlement, meter, current, amount, now, false);
    if (check == null) {
      check = fromSnapshot(entitlement, meter, current, amount, now);
    }
    meter.tally(now, check.reason(), check.allowed());
    return check;
  }

  /**
   * Uses {@code amount} of the entitlement if it may be used now: {@link #check} and {@link
   * #report} in one step, so two threads can never both take the last unit. Allowed, it is reported
   * (queued as by {@code report}); refused, nothing is reported.
   *
   * <p>A HARD limit on a SUM or COUNT counter is decided from a lease: a slice of what remains that
   * the server granted this client, spent here with no request (a compare-and-set), renewed in the
   * background before it runs out and settled with the server every flush interval. So the limit
   * holds exactly across every process and instance that shares it, and a use asks the server on
   * the caller's thread only when the client's lease is empty, which near the limit it will be (see
   * {@link #leaseStatistics}). Other entitlements, and any when the server cannot be reached for a
   * lease, are decided as {@code check} decides them.
   *
   * @throws IllegalArgumentException when {@code amount} is negative, not finite or above 10^15
   */
  public Check use(String entitlement, double amount) {
    if (!(amount >= 0) || amount > MAX_VALUE.doubleValue()) {
      throw new IllegalArgumentException("a usage value must be 0 to 10^15: " + amount);
    }
    if (closed) {
      throw new IllegalStateException("the Kaiten client is closed");
    }
    long now = clock.millis();
    Meter meter = meter(entitlement);
    Snapshot current = snapshot;
    Check check = leased(entitlement, meter, current, amount, now, true);
    if (check == null) {
      check = fromSnapshot(entitlement, meter, current, amount, now);
      if (check.allowed()) {
        report(entitlement, amount);
      }
    }
    meter.tally(now, check.reason(), check.allowed());
    return check;
  }

  /**
   * How this client's leases of a HARD entitlement have decided so far; empty when it holds none
   * (it was never {@linkplain #use used}, is not a leased kind, or leasing is off).
   */
  public Optional<LeaseStatistics> leaseStatistics(String entitlement) {
    return leases == null ? Optional.empty() : leases.statistics(entitlement);
  }

  /**
   * The answer of the leases, spending {@code amount} when {@code take}; null when they do not
   * decide (not a leased entitlement, not granted, or the server unreachable for a grant).
   */
  private Check leased(
      String slug, Meter meter, Snapshot current, double amount, long now, boolean take) {
    if (!leasing(take) || current == null) {
      return null;
    }
    Snapshot.Entry entry = current.entries.get(slug);
    LeasedQuota quota = leasedQuota(slug, entry, current, now, take);
    if (quota == null) {
      return null;
    }
    long micro = micro(amount);
    Reason reason = micro < 0 ? null : leases.decide(quota, micro, take);
    if (reason == null) {
      return null;
    }
    boolean allowed = reason == Reason.GRANTED;
    if (allowed && take) {
      meter.queued(amount);
    }
    double usage =
        (now >= entry.periodEnd ? 0 : entry.usage)
            + (quota.counts ? meter.pendingCount(entry) : meter.pending(entry));
    return new Check(
        slug,
        allowed,
        reason,
        entry.limit,
        usage,
        now - confirmedAt >= staleAfter,
        entry,
        meter.version(),
        amount,
        0);
  }

  /**
   * The leased quota of a HARD SUM or COUNT entitlement the license gives now; made only when
   * {@code create}.
   */
  private LeasedQuota leasedQuota(
      String slug, Snapshot.Entry entry, Snapshot current, long now, boolean create) {
    if (entry == null || !leasable(entry) || !entry.enabled || now >= current.lapsesAt) {
      return null;
    }
    return create
        ? leases.quota(slug, entry.aggregation == Snapshot.Aggregation.COUNT)
        : leases.existing(slug);
  }

  /**
   * Whether a decision looks at the leases: one that may make a lease ({@code use}) when leasing is
   * on, any other once a lease was ever made (until then checks and reports skip the lookup).
   */
  private boolean leasing(boolean create) {
    return leases != null && (create || leases.held());
  }

  private static boolean leasable(Snapshot.Entry entry) {
    return entry.type == EntitlementType.NUMERIC
        && entry.hard
        && entry.exactLimit != null
        && (entry.aggregation == Snapshot.Aggregation.SUM
            || entry.aggregation == Snapshot.Aggregation.COUNT);
  }

  /**
   * {@code amount} in millionths, as the server counts it (half even); -1 past what a lease can
   * hold.
   */
  private static long micro(double amount) {
    if (amount < 9e12 && amount == Math.rint(amount)) {
      return (long) amount * Grant.MICRO;
    }
    BigDecimal exact =
        BigDecimal.valueOf(amount)
            .setScale(MAX_DECIMALS, RoundingMode.HALF_EVEN)
            .movePointRight(MAX_DECIMALS);
    return exact.compareTo(BigDecimal.valueOf(Leases.MAX_GRANT)) > 0 ? -1 : exact.longValueExact();
  }

  /**
   * Whether the entitlement is granted now (for NUMERIC: granted at all, whatever is left of its
   * limit).
   */
  public boolean isEnabled(String entitlement) {
    long now = clock.millis();
    Meter meter = meter(entitlement);
    Snapshot current = snapshot;
    boolean enabled;
    Reason reason;
    if (current == null) {
      enabled = defaults.getOrDefault(entitlement, openByDefault);
      reason = Reason.NO_SNAPSHOT;
    } else {
      Snapshot.Entry entry = current.entries.get(entitlement);
      reason =
          entry == null
              ? Reason.UNKNOWN_ENTITLEMENT
              : !entry.enabled
                  ? entry.reason
                  : now >= current.lapsesAt ? current.lapse : Reason.GRANTED;
      enabled = reason == Reason.GRANTED;
    }
    meter.tally(now, reason, enabled);
    return enabled;
  }

  /** A CONFIG entitlement's payload (a copy), or null when the license does not give it now. */
  public JsonNode config(String entitlement) {
    Snapshot current = snapshot;
    if (!isEnabled(entitlement) || current == null) {
      return null;
    }
    JsonNode value = current.entries.get(entitlement).value;
    return value == null ? null : value.deepCopy();
  }

  /**
   * One entitlement as this client sees it now (not counted as a check); empty when the snapshot
   * has none.
   */
  public Optional<EntitlementState> entitlement(String entitlement) {
    Snapshot current = snapshot;
    Snapshot.Entry entry = current == null ? null : current.entries.get(entitlement);
    return entry == null ? Optional.empty() : Optional.of(state(current, entry, clock.millis()));
  }

  /** Every entitlement of the snapshot as this client sees it now, in slug order. */
  public List<EntitlementState> entitlements() {
    Snapshot current = snapshot;
    if (current == null) {
      return List.of();
    }
    long now = clock.millis();
    List<EntitlementState> states = new ArrayList<>();
    new TreeMap<>(current.entries)
        .values()
        .forEach(entry -> states.add(state(current, entry, now)));
    return states;
  }

  /**
   * Whether a snapshot is loaded (from the server or the snapshot file); without one the defaults
   * decide.
   */
  public boolean hasSnapshot() {
    return snapshot != null;
  }

  /**
   * Whether the snapshot has not been confirmed by the server within {@link Builder#staleAfter} (or
   * there is none).
   */
  public boolean stale() {
    return snapshot == null || clock.millis() - confirmedAt >= staleAfter;
  }

  public String instance() {
    return instance;
  }

  /** Whether {@link #close()} was called: reports are no longer taken. */
  public boolean isClosed() {
    return closed;
  }

  /** The answer of the snapshot (or, with none, of the defaults) and this process's own reports. */
  private Check fromSnapshot(String slug, Meter meter, Snapshot current, double amount, long now) {
    return current == null
        ? byDefault(slug, meter, amount)
        : decide(slug, current, meter, amount, now, now - confirmedAt >= staleAfter);
  }

  private Check decide(
      String slug, Snapshot current, Meter meter, double amount, long now, boolean stale) {
    Snapshot.Entry entry = current.entries.get(slug);
    Object from = entry != null ? entry : current;
    int phase =
        (stale ? STALE : 0)
            | (now >= current.lapsesAt ? LAPSED : 0)
            | (entry != null && now >= entry.periodEnd ? PERIOD_OVER : 0);
    long version = meter.version();
    Check last = meter.last;
    if (last != null
        && last.decidedFrom == from
        && last.version == version
        && last.amount == amount
        && last.phase == phase) {
      return last;
    }
    Check check;
    if (entry == null) {
      check =
          new Check(
              slug, false, Reason.UNKNOWN_ENTITLEMENT, 0, 0, stale, from, version, amount, phase);
    } else if (entry.type != EntitlementType.NUMERIC) {
      Reason reason =
          !entry.enabled ? entry.reason : (phase & LAPSED) != 0 ? current.lapse : Reason.GRANTED;
      check =
          new Check(
              slug,
              reason == Reason.GRANTED,
              reason,
              Double.POSITIVE_INFINITY,
              0,
              stale,
              from,
              version,
              amount,
              phase);
    } else {
      check = decideQuota(slug, current, entry, meter, amount, phase, stale, version);
    }
    meter.last = check;
    return check;
  }

  private static Check decideQuota(
      String slug,
      Snapshot current,
      Snapshot.Entry entry,
      Meter meter,
      double amount,
      int phase,
      boolean stale,
      long version) {
    // A period that ended since the snapshot starts from nothing (this process's pending reports
    // aside).
    double usage = (phase & PERIOD_OVER) != 0 ? 0 : entry.usage;
    double after;
    switch (entry.aggregation) {
      case SUM:
        usage += meter.pending(entry);
        after = usage + amount;
        break;
      case COUNT:
        usage += meter.pendingCount(entry);
        after = usage + 1;
        break;
      default:
        // MAX, MIN, LATEST, AVERAGE: only a single value above the limit can pass it.
        after = amount;
    }
    Reason reason;
    if (!entry.enabled) {
      reason = entry.reason;
    } else if ((phase & LAPSED) != 0) {
      reason = current.lapse;
    } else if (after <= entry.limit) {
      reason = Reason.GRANTED;
    } else if (entry.hard || after > entry.cap) {
      reason = Reason.LIMIT_REACHED;
    } else {
      reason = Reason.OVERAGE;
    }
    double limit = entry.enabled ? entry.limit : 0;
    return new Check(
        slug, reason.grants(), reason, limit, usage, stale, entry, version, amount, phase);
  }

  private Check byDefault(String slug, Meter meter, double amount) {
    boolean allowed = defaults.getOrDefault(slug, openByDefault);
    int phase = allowed ? 1 : 0;
    long version = meter.version();
    Check last = meter.last;
    if (last != null
        && last.decidedFrom == NO_SNAPSHOT
        && last.phase == phase
        && last.amount == amount
        && last.version == version) {
      return last;
    }
    Check check =
        new Check(
            slug,
            allowed,
            Reason.NO_SNAPSHOT,
            allowed ? Double.POSITIVE_INFINITY : 0,
            0,
            true,
            NO_SNAPSHOT,
            version,
            amount,
            phase);
    meter.last = check;
    return check;
  }

  private EntitlementState state(Snapshot current, Snapshot.Entry entry, long now) {
    boolean lapsed = now >= current.lapsesAt;
    boolean enabled = entry.enabled && !lapsed;
    Reason reason = !entry.enabled ? entry.reason : lapsed ? current.lapse : Reason.GRANTED;
    double usage = 0;
    if (entry.type == EntitlementType.NUMERIC) {
      Meter meter = meters.get(entry.slug);
      usage = now >= entry.periodEnd ? 0 : entry.usage;
      if (meter != null && entry.aggregation == Snapshot.Aggregation.SUM) {
        usage += meter.pending(entry);
      } else if (meter != null && entry.aggregation == Snapshot.Aggregation.COUNT) {
        usage += meter.pendingCount(entry);
      }
    }
    return new EntitlementState(
        entry.slug,
        entry.type,
        enabled,
        reason,
        enabled ? entry.source : "NONE",
        enabled && entry.value != null ? entry.value.deepCopy() : null,
        enabled ? entry.exactLimit : null,
        usage,
        entry.periodEnd == Snapshot.NEVER ? null : Instant.ofEpochMilli(entry.periodEnd),
        entry.hard,
        entry.unit,
        now - confirmedAt >= staleAfter);
  }

  private Meter meter(String entitlement) {
    Meter meter = meters.get(entitlement);
    if (meter != null) {
      return meter;
    }
    Objects.requireNonNull(entitlement, "entitlement");
    if (meters.size() >= MAX_METERS || !SLUG.matcher(entitlement).matches()) {
      return overflow;
    }
    return meters.computeIfAbsent(entitlement, Meter::new);
  }

  // ---- usage ----

  /**
   * Queues a report of {@code value} used now; never blocks on the network. It is delivered in a
   * batch within about a second (sooner when many wait), with an idempotency key fixed now, so a
   * retry never counts it twice. With a spool directory, it survives a restart of this process.
   * Kaiten counts values of 0 to 10^15 with at most 6 decimal places: a double is rounded to 6
   * places (half even) here, so {@code 1.0 / 3} is counted as 0.333333.
   *
   * @throws IllegalArgumentException when {@code value} is negative, not finite or above 10^15
   */
  public void report(String entitlement, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("a usage value must be finite and not negative: " + value);
    }
    BigDecimal rounded =
        BigDecimal.valueOf(value)
            .setScale(MAX_DECIMALS, RoundingMode.HALF_EVEN)
            .stripTrailingZeros();
    report(entitlement, checked(rounded.scale() < 0 ? rounded.setScale(0) : rounded), value);
  }

  /** {@link #report(String, double)} with a whole amount. */
  public void report(String entitlement, long value) {
    report(entitlement, checked(BigDecimal.valueOf(value)), value);
  }

  /**
   * {@link #report(String, double)} with an exact decimal amount, sent as given: one with more than
   * 6 decimal places is refused here rather than rounded, since it was meant exactly.
   */
  public void report(String entitlement, BigDecimal value) {
    if (value.stripTrailingZeros().scale() > MAX_DECIMALS) {
      throw new IllegalArgumentException(
          "a usage value has at most " + MAX_DECIMALS + " decimal places: " + value);
    }
    report(entitlement, checked(value), value.doubleValue());
  }

  /**
   * The server's numeric contract for values (docs/api.md, "Numbers"), checked where the caller can
   * still see it.
   */
  private static BigDecimal checked(BigDecimal value) {
    if (value.signum() < 0 || value.compareTo(MAX_VALUE) > 0) {
      throw new IllegalArgumentException(
          "a usage value must be 0 to 10^15: " + value.toPlainString());
    }
    return value;
  }

  private void report(String entitlement, BigDecimal exact, double value) {
    Objects.requireNonNull(entitlement, "entitlement");
    if (closed) {
      throw new IllegalStateException("the Kaiten client is closed");
    }
    meter(entitlement).queued(value);
    Snapshot current = snapshot;
    LeasedQuota quota =
        !leasing(false) || current == null
            ? null
            : leasedQuota(
                entitlement, current.entries.get(entitlement), current, clock.millis(), false);
    if (quota == null || !leases.spend(quota, exact)) {
      pipeline.enqueue(entitlement, exact);
    }
  }

  /**
   * Blocks until every report queued so far (and the check tallies so far) is delivered, or the
   * timeout passes. Call it at the end of a Lambda invocation. When the snapshot was read while
   * they were on their way (so it may hold some of them that checks still add as pending), it is
   * read again within the same timeout: checks after a flush count each delivered report once, even
   * if Kaiten is out of reach from then on.
   *
   * @return true when everything was delivered in time
   */
  public boolean flush(Duration timeout) {
    long start = System.nanoTime();
    if (leases != null
        && !leases.flush(start + Math.min(timeout.toNanos(), TimeUnit.DAYS.toNanos(365)))) {
      return false;
    }
    if (!pipeline.flush(timeout.minusNanos(System.nanoTime() - start))) {
      return false;
    }
    long underWay = reading; // first: a read that ends after this has set snapshotExact
    if (underWay != NOT_READING && !accounting.quietSince(underWay) || !snapshotExact) {
      reread(timeout.minusNanos(System.nanoTime() - start));
    }
    return true;
  }

  /**
   * Reads the snapshot again, on the poller's thread, waiting at most {@code timeout}: after a
   * flush, checks then answer from a snapshot that holds each delivered report once, even if the
   * server is gone by the next poll.
   */
  private void reread(Duration timeout) {
    try {
      poller.submit(() -> refresh(false)).get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.DEBUG, "the snapshot was not read again: {0}", e.toString());
    }
  }

  /** Reports queued and not yet delivered. */
  public long queued() {
    return pipeline.queued();
  }

  public void addListener(KaitenListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(KaitenListener listener) {
    listeners.remove(listener);
  }

  /**
   * Delivers what is queued for up to {@link Builder#closeTimeout} (default 5 s), then stops
   * background work; what is left stays in the spool, if there is one.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    poller.shutdownNow();
    if (leases != null) {
      leases.close(
          closeTimeout); // first: a settlement the server no longer takes goes to the pipeline
    }
    pipeline.close();
  }

  /**
   * What a killed process does: background work stops, nothing is settled, released or delivered.
   * Tests only.
   */
  void halt() {
    closed = true;
    poller.shutdownNow();
    if (leases != null) {
      leases.halt();
    }
    pipeline.halt();
  }

  private List<CheckTally> drainTallies(boolean currentMinute) {
    long now = clock.millis();
    List<CheckTally> tallies = new ArrayList<>();
    for (Meter meter : meters.values()) {
      meter.drain(now, currentMinute, tallies);
    }
    overflow.drain(now, currentMinute, new ArrayList<>()); // names the server cannot record
    return tallies;
  }

  /**
   * Tells each meter what the pipeline has queued from an earlier process and what the server has
   * answered for.
   */
  private final class Accounting implements DeliveryObserver {
    @Override
    public void restored(String entitlement, double value) {
      meter(entitlement).queued(value);
    }

    @Override
    public void settled(String entitlement, double value) {
      meter(entitlement).settled(value);
    }

    @Override
    public void settled(String entitlement, double value, long reports) {
      meter(entitlement).settled(value, reports);
    }

    // Counted in this order (started, then done once its settlement is told), so a snapshot read
    // while none was under way is known to hold exactly the usage the meters call settled.
    private final AtomicLong deliveriesStarted = new AtomicLong();
    private final AtomicLong deliveriesDone = new AtomicLong();

    @Override
    public void delivering() {
      deliveriesStarted.incrementAndGet();
    }

    @Override
    public void delivered() {
      deliveriesDone.incrementAndGet();
    }

    /** Deliveries started so far, or -1 while one is under way. */
    long quietMark() {
      long started = deliveriesStarted.get();
      return deliveriesDone.get() == started ? started : -1;
    }

    /** Whether none was under way at {@code mark} nor has started since. */
    boolean quietSince(long mark) {
      return mark >= 0 && deliveriesStarted.get() == mark;
    }
  }

  /**
   * What the snapshot says to the leases: whether an entitlement is given, and what is left of it.
   */
  private final class LeasedEntitlements implements Leases.Entitlements {
    @Override
    public boolean granted(String entitlement, long now) {
      Snapshot current = snapshot;
      Snapshot.Entry entry = current == null ? null : current.entries.get(entitlement);
      return entry != null && entry.enabled && now < current.lapsesAt;
    }

    @Override
    public long remaining(String entitlement) {
      Snapshot current = snapshot;
      Snapshot.Entry entry = current == null ? null : current.entries.get(entitlement);
      Meter meter = meters.get(entitlement);
      if (entry == null || entry.exactLimit == null) {
        return -1;
      }
      double pending =
          meter == null
              ? 0
              : entry.aggregation == Snapshot.Aggregation.COUNT
                  ? meter.pendingCount(entry)
                  : meter.pending(entry);
      double left = entry.limit - entry.usage - pending;
      return left <= 0 ? 0 : (long) Math.min(left * Grant.MICRO, Leases.MAX_GRANT);
    }
  }

  // ---- the snapshot, kept fresh in the background ----

  /**
   * Asks the server for the snapshot, revalidating the one held. At start a refusal of the client
   * itself (401, 403, 404) is thrown; an outage never is. A read that a delivery crossed is made
   * again at once, up to {@value #FETCHES_PER_REFRESH} reads in all.
   */
  private void refresh(boolean starting) {
    int reads = 1;
    while (!fetch(starting) && reads < FETCHES_PER_REFRESH) {
      reads++; // a delivery crossed the read: again, while reports are most likely not on their way
    }
    long age = clock.millis() - confirmedAt;
    if (age >= staleAfter && !toldStale) {
      toldStale = true;
      Duration since = snapshot == null ? null : Duration.ofMillis(age);
      listeners.tell(listener -> listener.stale(since));
    }
  }

  /**
   * Reads the snapshot once. False when it was answered while usage was being delivered: it may
   * hold reports the meters still count as pending (counting them twice, never missing one), and
   * {@link #snapshotExact} says so until a read with no delivery under way. True otherwise, also
   * when there was no answer.
   */
  private boolean fetch(boolean starting) {
    Snapshot held = snapshot;
    long quiet = accounting.quietMark();
    reading = quiet;
    Map<String, Meter.Settled> settled = new HashMap<>();
    meters.forEach((slug, meter) -> settled.put(slug, meter.settledNow()));
    boolean exact = true;
    try {
      HttpRequest.Builder request = transport.request(instancePath + "/snapshot").GET();
      if (held != null && held.etag != null) {
        request.header("If-None-Match", held.etag);
      }
      HttpResponse<byte[]> response = transport.send(request.build());
      int status = response.statusCode();
      if (status == 304 && held != null) {
        snapshot = held.settledAt(settled);
        exact = accounting.quietSince(quiet);
        snapshotExact = exact;
        confirmed();
      } else if (status == 200) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        Snapshot fresh =
            Snapshot.parse(response.headers().firstValue("ETag").orElse(null), body, settled);
        snapshot = fresh;
        exact = accounting.quietSince(quiet);
        snapshotExact = exact;
        confirmed();
        Set<String> changed = Snapshot.changes(held, fresh);
        if (held != null && !changed.isEmpty()) {
          Set<String> told = Collections.unmodifiableSet(changed);
          listeners.tell(listener -> listener.snapshotChanged(told));
        }
        save(fresh);
      } else if (status == 401 || status == 403 || status == 404) {
        String detail = problemDetail(response);
        if (starting) {
          throw new KaitenException(
              status,
              "Kaiten refused the snapshot of instance '"
                  + instance
                  + "' ("
                  + status
                  + "): "
                  + detail);
        }
        LOG.log(
            System.Logger.Level.ERROR,
            "Kaiten refused the snapshot of instance {0} ({1}): {2}",
            instance,
            status,
            detail);
      } else {
        LOG.log(
            System.Logger.Level.WARNING,
            "Kaiten answered {0} to the snapshot of instance {1}",
            status,
            instance);
      }
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.DEBUG, "the Kaiten snapshot could not be read: {0}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (starting) {
        throw e;
      }
      LOG.log(System.Logger.Level.WARNING, "the Kaiten snapshot could not be refreshed", e);
    } finally {
      reading = NOT_READING;
    }
    return exact;
  }

  private void confirmed() {
    confirmedAt = clock.millis();
    if (toldStale) {
      toldStale = false;
      listeners.tell(KaitenListener::fresh);
    }
  }

  private static String problemDetail(HttpResponse<byte[]> response) {
    try {
      JsonNode problem = Transport.JSON.readTree(response.body());
      return problem.path("detail").asText(problem.path("title").asText(""));
    } catch (IOException e) {
      return new String(response.body(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The last good snapshot, written whole or not at all, so a restart with the server down still
   * answers.
   */
  private void save(Snapshot fresh) {
    if (snapshotFile == null) {
      return;
    }
    try {
      ObjectNode saved = Transport.JSON.createObjectNode();
      saved.put("instance", instance);
      saved.put("etag", fresh.etag);
      saved.set("snapshot", Transport.JSON.readTree(fresh.body));
      Path parent = snapshotFile.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temporary = Files.createTempFile(parent, snapshotFile.getFileName().toString(), ".tmp");
      Files.write(temporary, Transport.JSON.writeValueAsBytes(saved));
      Files.move(
          temporary,
          snapshotFile,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the Kaiten snapshot could not be saved to " + snapshotFile,
          e);
    }
  }

  /** The snapshot a former run saved: stale until the server confirms it. */
  private void loadFile() {
    try {
      JsonNode saved = Transport.JSON.readTree(snapshotFile.toFile());
      if (!instance.equals(saved.path("instance").asText())) {
        LOG.log(
            System.Logger.Level.WARNING,
            "{0} holds the snapshot of another instance; not used",
            snapshotFile);
        return;
      }
      JsonNode etag = saved.get("etag");
      snapshot =
          Snapshot.parse(
              etag == null || etag.isNull() ? null : etag.asText(),
              Transport.JSON.writeValueAsString(saved.get("snapshot")),
              Map.of());
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the Kaiten snapshot file " + snapshotFile + " could not be read",
          e);
    }
  }

  /**
   * Settings of a {@link KaitenClient}; {@link #baseUrl}, {@link #token} and {@link #instance} are
   * required.
   */
  public static final class Builder {
    private URI baseUrl;
    private String token;
    private String instance;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration staleAfter;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Path snapshotFile;
    private final Map<String, Boolean> defaults = new HashMap<>();
    private boolean openByDefault;
    private final List<KaitenListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private final PipelineSettings pipeline = new PipelineSettings();
    private boolean leasing = true;
    private Duration leaseTtl = Duration.ofSeconds(60);
    private double leaseShare = 0.1;

    private Builder() {}

    /** Kaiten's API, e.g. {@code https://api.example.com}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
      return this;
    }

    /** The instance's token ({@code ksh_...}); an admin token works too. */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** The instance id, e.g. {@code acme-prod}. */
    public Builder instance(String instance) {
      this.instance = Objects.requireNonNull(instance, "instance");
      return this;
    }

    /** How often the snapshot is revalidated in the background (default 5 s). */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    /**
     * After how long without a confirmation from the server checks answer stale (default 3 poll
     * intervals).
     */
    public Builder staleAfter(Duration staleAfter) {
      this.staleAfter = positive(staleAfter, "staleAfter");
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long one request may take (default 10 s); {@link KaitenClient#builder()}'s build waits at
     * most this for the snapshot.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Keeps the last good snapshot in this file (e.g. under {@code /tmp} in a Lambda), so a start
     * with the server down answers from it, stale, rather than from the defaults.
     */
    public Builder snapshotFile(Path snapshotFile) {
      this.snapshotFile = snapshotFile;
      return this;
    }

    /**
     * Keeps queued reports in this directory until they are delivered, so they survive a restart (a
     * killed process included): the next client with the same directory delivers them, once. Check
     * tallies are kept in memory only.
     */
    public Builder spoolDirectory(Path spoolDirectory) {
      pipeline.spoolDirectory = spoolDirectory;
      return this;
    }

    /**
     * The most the spool may hold on disk (default 256 MiB); past it listeners hear {@code
     * spoolFull}.
     */
    public Builder maxSpoolBytes(long maxSpoolBytes) {
      if (maxSpoolBytes <= 0) {
        throw new IllegalArgumentException("maxSpoolBytes must be positive");
      }
      pipeline.maxSpoolBytes = maxSpoolBytes;
      return this;
    }

    /** How long {@code close()} keeps delivering what is queued before it stops (default 5 s). */
    public Builder closeTimeout(Duration closeTimeout) {
      pipeline.closeTimeout = positive(closeTimeout, "closeTimeout");
      return this;
    }

    /** A batch leaves at least this often while reports wait (default 1 s). */
    public Builder flushInterval(Duration flushInterval) {
      pipeline.flushInterval = positive(flushInterval, "flushInterval");
      return this;
    }

    /** A batch leaves as soon as this many reports wait (default 100). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > pipeline.maxBatch) {
        throw new IllegalArgumentException("batchSize must be 1 to " + pipeline.maxBatch);
      }
      pipeline.batchTrigger = batchSize;
      return this;
    }

    /**
     * Whether {@link KaitenClient#use} decides HARD SUM and COUNT limits from leases (default
     * true); off, it decides them from the snapshot and this process's own usage, as {@code check}
     * does.
     */
    public Builder leasing(boolean leasing) {
      this.leasing = leasing;
      return this;
    }

    /**
     * How long a lease lasts (1 s to 5 min, default 60 s): what a process that dies holding one
     * keeps from the others at most. A lease is spent for three quarters of it and renewed from
     * half of it.
     */
    public Builder leaseTtl(Duration leaseTtl) {
      if (leaseTtl == null
          || leaseTtl.toMillis() < 1000
          || leaseTtl.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("leaseTtl must be 1 s to 5 min");
      }
      this.leaseTtl = leaseTtl;
      return this;
    }

    /**
     * The most of what remains of a limit one grant asks for (above 0, at most 1; default 0.1), so
     * a busy process cannot starve the others: it gets more only as it renews.
     */
    public Builder leaseShare(double leaseShare) {
      if (!(leaseShare > 0 && leaseShare <= 1)) {
        throw new IllegalArgumentException("leaseShare must be above 0 and at most 1");
      }
      this.leaseShare = leaseShare;
      return this;
    }

    /** With no snapshot at all, these entitlements are allowed. */
    public Builder failOpen(String... entitlements) {
      for (String entitlement : entitlements) {
        defaults.put(entitlement, true);
      }
      return this;
    }

    /**
     * With no snapshot at all, these entitlements are refused (the default, unless {@link
     * #failOpenByDefault}).
     */
    public Builder failClosed(String... entitlements) {
      for (String entitlement : entitlements) {
        defaults.put(entitlement, false);
      }
      return this;
    }

    /**
     * With no snapshot at all, entitlements not named in failOpen/failClosed are allowed (default:
     * refused).
     */
    public Builder failOpenByDefault(boolean open) {
      this.openByDefault = open;
      return this;
    }

    public Builder listener(KaitenListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The clock checks, license dates and report timestamps are read from (tests set one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A client with its snapshot loaded: from the server, else from the snapshot file (stale), else
     * none (the defaults decide until the server answers).
     *
     * @throws KaitenException when Kaiten refuses the token or does not know the instance
     */
    public KaitenClient build() {
      Objects.requireNonNull(baseUrl, "baseUrl is required");
      Objects.requireNonNull(token, "token is required");
      Objects.requireNonNull(instance, "instance is required");
      KaitenClient client = new KaitenClient(this);
      client.start(pollInterval);
      return client;
    }

    private static Duration positive(Duration duration, String name) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return duration;
    }
  }
}
