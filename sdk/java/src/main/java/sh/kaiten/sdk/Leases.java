package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Leased quota: HARD SUM and COUNT entitlements decided in process from slices of the limit the
 * server grants this client ({@code POST {instance}/leases}).
 *
 * <p>A use spends from the grant in use ({@link LeasedQuota#spend}); the caller's thread asks the
 * server only when every grant it holds is empty or past use, which near the limit is the
 * synchronous fallback. One daemon thread does the rest, every round ({@code min(flushInterval, ttl
 * / 8)}) or at once when a grant runs low: it asks for the next grant ahead of need (sized from the
 * recent rate over half a lease's life, capped at a share of what remains so one busy process
 * cannot starve the others), settles what each grant spent ({@code POST {instance}/usage} naming
 * the lease, one request per grant per round whatever the number of uses, with an idempotency key
 * so a retry counts once), and releases grants it retired ({@code DELETE}), which gives back what
 * they had left.
 *
 * <p>A grant is spent only until three quarters of its life (on this process's clock, from when it
 * was asked for) so its last settlement reaches the server while the lease is live; a settlement
 * the server no longer takes (the lease ended: a long outage) is sent as plain reports, counted if
 * they still fit.
 */
final class Leases implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KaitenClient.class.getName());

  /** The most micro-units one grant is asked for: 9 × 10^12 units, so micro-units fit a long. */
  static final long MAX_GRANT = 9_000_000_000_000L * Grant.MICRO;

  /** The most reports one settlement stands for. */
  private static final long MAX_REPORTS = 1_000_000_000L;

  /** What the client's snapshot says about an entitlement, for the leases. */
  interface Entitlements {
    /** Whether the license gives it now: a grant of one it does not is retired. */
    boolean granted(String entitlement, long now);

    /**
     * Micro-units left of its limit as the snapshot says (this process's reports in it), -1
     * unknown.
     */
    long remaining(String entitlement);
  }

  private final Transport transport;
  private final String instancePath;
  private final Clock clock;
  private final long ttlMillis;
  private final double share;
  private final long roundMillis;
  private final Entitlements entitlements;
  private final UsagePipeline pipeline;
  private final DeliveryObserver observer;
  private final ConcurrentHashMap<String, LeasedQuota> quotas = new ConcurrentHashMap<>();
  private final Object progress = new Object();
  private volatile Thread worker;
  private volatile boolean woken;
  private volatile boolean stopping;
  private volatile boolean held;

  Leases(
      Transport transport,
      String instancePath,
      Clock clock,
      Duration ttl,
      double share,
      Duration flushInterval,
      Entitlements entitlements,
      UsagePipeline pipeline,
      DeliveryObserver observer) {
    this.transport = transport;
    this.instancePath = instancePath;
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
    this.share = share;
    this.roundMillis = Math.max(1, Math.min(flushInterval.toMillis(), ttlMillis / 8));
    this.entitlements = entitlements;
    this.pipeline = pipeline;
    this.observer = observer;
  }

  void start(String instance) {
    Thread thread = new Thread(this::work, "kaiten-leases-" + instance);
    thread.setDaemon(true);
    worker = thread;
    thread.start();
  }

  /** The leased quota of an entitlement, made on first use. */
  LeasedQuota quota(String entitlement, boolean counts) {
    LeasedQuota quota = quotas.get(entitlement);
    if (quota != null) {
      return quota;
    }
    quota =
        quotas.computeIfAbsent(entitlement, slug -> new LeasedQuota(slug, counts, clock.millis()));
    held = true;
    return quota;
  }

  /**
   * Whether any entitlement was ever used through a lease: until then checks and reports skip the
   * leases.
   */
  boolean held() {
    return held;
  }

  /** The leased quota of an entitlement, null when it was never used. */
  LeasedQuota existing(String entitlement) {
    return quotas.get(entitlement);
  }

  /**
   * Spends a report of {@code exact} from a grant held, with no request; false when none has it.
   */
  boolean spend(LeasedQuota quota, BigDecimal exact) {
    BigDecimal micro = exact.movePointRight(6);
    if (quota.unleasable || micro.compareTo(BigDecimal.valueOf(MAX_GRANT)) > 0) {
      return false;
    }
    long value = micro.longValueExact();
    return quota.spend(clock.millis(), quota.cost(value), quota.counts ? value : 1);
  }

  Optional<LeaseStatistics> statistics(String entitlement) {
    LeasedQuota quota = quotas.get(entitlement);
    return quota == null ? Optional.empty() : Optional.of(quota.statistics());
  }

  // ---- on the caller's thread ----

  /**
   * Decides a use of {@code valueMicro} from the leases, spending it when {@code take}: GRANTED, a
   * refusal's reason, or null when the leases cannot decide (not leasable, the server unreachable)
   * and the snapshot must.
   */
  Reason decide(LeasedQuota quota, long valueMicro, boolean take) {
    if (quota.unleasable) {
      return null;
    }
    long cost = quota.cost(valueMicro);
    if (cost > MAX_GRANT) {
      return null;
    }
    if (cost > quota.largestCost) {
      quota.largestCost = cost;
    }
    long other = quota.counts ? valueMicro : 1;
    long now = clock.millis();
    if (take ? quota.spend(now, cost, other) : quota.covers(now, cost)) {
      quota.decidedLocally.increment();
      if (take && quota.wantsRenewal(now)) {
        wake();
      }
      return Reason.GRANTED;
    }
    if (now < quota.exhaustedUntil) {
      quota.refused.increment();
      return quota.refusal;
    }
    if (now < quota.unreachableUntil) {
      return null;
    }
    synchronized (quota.asking) {
      now = clock.millis();
      if (take ? quota.spend(now, cost, other) : quota.covers(now, cost)) {
        quota.decidedAfterRequest.increment(); // another thread's grant, waited for
        return Reason.GRANTED;
      }
      if (now < quota.exhaustedUntil) {
        quota.refused.increment();
        return quota.refusal;
      }
      if (now < quota.unreachableUntil || quota.unleasable) {
        return null;
      }
      quota.round(now); // the rate so far sizes this grant too
      ask(quota, Math.max(cost, quota.ask(ttlMillis / 2, share, remaining(quota))));
      now = clock.millis();
      if (take ? quota.spend(now, cost, other) : quota.covers(now, cost)) {
        quota.decidedAfterRequest.increment();
        return Reason.GRANTED;
      }
      if (quota.unleasable || now < quota.unreachableUntil) {
        return null;
      }
      if (now >= quota.exhaustedUntil) {
        // Granted less than one use: what was granted stays for smaller uses, this one is refused.
        quota.exhaustedUntil = now + roundMillis;
        quota.refusal = Reason.LIMIT_REACHED;
      }
      quota.refused.increment();
      return quota.refusal;
    }
  }

  private long remaining(LeasedQuota quota) {
    long available = quota.available;
    if (available < 0) {
      available = Math.max(0, entitlements.remaining(quota.entitlement));
    }
    long remaining = Math.min(available, MAX_GRANT) + Math.min(quota.holding(), MAX_GRANT);
    return remaining < 0 ? Long.MAX_VALUE : remaining; // past a long: as good as unlimited
  }

  // ---- requests ----

  /**
   * Asks for a grant of {@code micro} and installs it; on nothing granted, remembers why for a
   * round.
   */
  private void ask(LeasedQuota quota, long micro) {
    long sentAt = clock.millis();
    ObjectNode body = Transport.JSON.createObjectNode();
    body.put("entitlement_slug", quota.entitlement);
    body.put("units", Grant.Settlement.exact(micro));
    body.put("ttl_seconds", Math.max(1, ttlMillis / 1000));
    HttpResponse<byte[]> response;
    try {
      response =
          transport.send(
              transport
                  .request(instancePath + "/leases")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          Transport.JSON.writeValueAsBytes(body)))
                  .build());
    } catch (IOException e) {
      unreachable(quota, sentAt, e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unreachable(quota, sentAt, "interrupted");
      return;
    }
    int status = response.statusCode();
    JsonNode answer = parse(response.body());
    if (status == 200) {
      long now = clock.millis();
      quota.available = micro(answer.path("available"), -1);
      String leaseId = answer.path("lease_id").asText(null);
      long granted = micro(answer.path("granted"), 0);
      if (leaseId == null || granted == 0) {
        Reason reason = Reason.fromServer(answer.path("reason").asText());
        quota.refusal = reason == null || reason == Reason.GRANTED ? Reason.LIMIT_REACHED : reason;
        quota.exhaustedUntil = now + roundMillis;
        return;
      }
      long life =
          Math.min(
              ttlMillis, Instant.parse(answer.path("expires_at").asText()).toEpochMilli() - now);
      life = Math.max(0, life);
      quota.install(new Grant(leaseId, granted, sentAt + life * 3 / 4, sentAt + life / 2), now);
      quota.exhaustedUntil = 0;
    } else if (status == 400) {
      quota.unleasable = true;
      LOG.log(
          System.Logger.Level.INFO,
          "Kaiten does not lease {0} ({1}); it is decided from the snapshot",
          quota.entitlement,
          answer.path("detail").asText());
    } else if (status == 409) {
      // The counter holds as many live leases as it takes (100): that is no answer about what
      // remains,
      // so uses are decided from the snapshot for a round, and reported plainly (the server's HARD
      // check).
      unreachable(quota, sentAt, "the counter holds the most live leases it takes");
    } else {
      unreachable(quota, sentAt, "HTTP " + status + " " + answer.path("detail").asText());
    }
  }

  private void unreachable(LeasedQuota quota, long since, String cause) {
    quota.unreachableUntil = since + roundMillis;
    LOG.log(
        System.Logger.Level.DEBUG, "no lease of {0} from Kaiten: {1}", quota.entitlement, cause);
  }

  /**
   * Sends what the grant spent since its last settlement; true when the server has answered for all
   * of it.
   */
  private boolean settle(LeasedQuota quota, Grant grant) {
    if (grant.inFlight == null) {
      long units = grant.spent() - grant.settledUnits;
      if (units <= 0) {
        return true;
      }
      long other = Math.max(grant.other() - grant.settledOther, quota.counts ? 0 : 1);
      // The server takes at most 10^9 reports in one settlement: more are settled over several.
      units = quota.counts ? Math.min(units, MAX_REPORTS * Grant.MICRO) : units;
      other = quota.counts ? other : Math.min(other, MAX_REPORTS);
      grant.inFlight = new Grant.Settlement(grant.id + ".s" + (++grant.settlements), units, other);
    }
    Grant.Settlement settlement = grant.inFlight;
    BigDecimal value = Grant.Settlement.exact(quota.counts ? settlement.other : settlement.units);
    long reports = quota.counts ? settlement.units / Grant.MICRO : settlement.other;
    ObjectNode body = Transport.JSON.createObjectNode();
    body.put("entitlement_slug", quota.entitlement);
    body.put("value", value);
    body.put("lease_id", grant.id);
    if (reports > 1) {
      body.put("reports", reports);
    }
    body.put("idempotency_key", settlement.key);
    observer.delivering();
    try {
      return post(quota, grant, settlement, value, reports, body);
    } finally {
      observer.delivered();
    }
  }

  /** Sends one settlement and acts on the answer; true when the grant is settled in full. */
  private boolean post(
      LeasedQuota quota,
      Grant grant,
      Grant.Settlement settlement,
      BigDecimal value,
      long reports,
      ObjectNode body) {
    int status;
    try {
      status =
          transport
              .send(
                  transport
                      .request(instancePath + "/usage")
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              Transport.JSON.writeValueAsBytes(body)))
                      .build())
              .statusCode();
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "a settlement of {0} waits: {1}",
          quota.entitlement,
          e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (status == 200) {
      quota.settlements.increment();
    } else if (status == 409 || status == 422 || status == 400) {
      // The lease ended before its spending was settled (an outage longer than its life): plain
      // reports.
      LOG.log(
          System.Logger.Level.WARNING,
          "Kaiten no longer takes lease {0} of {1} ({2}): its {3} units spent"
              + " are sent as plain reports",
          grant.id,
          quota.entitlement,
          status,
          value.toPlainString());
      for (long i = 0; i < Math.max(1, reports); i++) {
        pipeline.enqueue(quota.entitlement, i == 0 ? value : BigDecimal.ZERO);
      }
    } else {
      return false; // 429, 5xx, a refused token: sent again, unchanged, next round
    }
    if (status == 200) {
      observer.settled(quota.entitlement, value.doubleValue(), Math.max(1, reports));
    }
    grant.settledUnits += settlement.units;
    grant.settledOther = Math.max(grant.settledOther + settlement.other, grant.settledOther);
    grant.inFlight = null;
    return grant.spent() == grant.settledUnits;
  }

  /** Gives a retired grant's lease back; true when it is gone (released, or already ended). */
  private boolean release(LeasedQuota quota, Grant grant) {
    String path =
        instancePath
            + "/leases/"
            + URLEncoder.encode(quota.entitlement, StandardCharsets.UTF_8)
            + "/"
            + grant.id;
    try {
      int status = transport.send(transport.request(path).DELETE().build()).statusCode();
      if (status == 200) {
        quota.releases.increment();
      }
      return status == 200 || status == 404 || status == 409;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---- in the background ----

  private void wake() {
    if (!woken) {
      woken = true;
      LockSupport.unpark(worker);
    }
  }

  private void work() {
    while (!stopping) {
      woken = false;
      try {
        for (LeasedQuota quota : quotas.values()) {
          round(quota);
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a round of Kaiten's leases failed", e);
      }
      synchronized (progress) {
        progress.notifyAll();
      }
      if (!woken && !stopping) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(roundMillis));
      }
    }
  }

  private void round(LeasedQuota quota) {
    if (quota.unleasable) {
      return;
    }
    long now = clock.millis();
    boolean granted = entitlements.granted(quota.entitlement, now);
    quota.retireDue(now, !granted);
    quota.round(now);
    long demand =
        quota.decidedLocally.sum() + quota.decidedAfterRequest.sum() + quota.refused.sum();
    boolean used = demand != quota.demandAtLastRound;
    quota.demandAtLastRound = demand;
    // The next grant first: a caller waiting on an empty one matters more than settling.
    if (granted && used && quota.wantsRenewal(now) && now >= quota.unreachableUntil) {
      synchronized (quota.asking) {
        if (quota.wantsRenewal(clock.millis())) {
          ask(quota, quota.ask(ttlMillis / 2, share, remaining(quota)));
        }
      }
    }
    for (Grant grant : quota.live()) {
      settle(quota, grant);
    }
    settleRetired(quota);
  }

  /**
   * Settles and releases the grants retired before the call: those callers retire meanwhile wait
   * for the next round, so a round always ends and comes back to renewing.
   */
  private void settleRetired(LeasedQuota quota) {
    for (Grant grant : new ArrayList<>(quota.retired)) {
      if (settle(quota, grant) && release(quota, grant)) {
        quota.spentFromRetired(grant.spent());
        quota.retired.remove(grant);
      }
    }
  }

  /**
   * Waits until what every grant spent before the call is settled, or the deadline (nanoTime)
   * passes.
   *
   * @return whether it was all settled in time
   */
  boolean flush(long deadlineNanos) {
    Map<Grant, Long> targets = new HashMap<>();
    for (LeasedQuota quota : quotas.values()) {
      for (Grant grant : quota.live()) {
        targets.put(grant, grant.spent());
      }
      quota.retired.forEach(grant -> targets.put(grant, grant.spent()));
    }
    if (targets.isEmpty()) {
      return true;
    }
    wake();
    synchronized (progress) {
      while (!settled(targets.entrySet())) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || worker == null || !worker.isAlive()) {
          return settled(targets.entrySet());
        }
        wake();
        try {
          TimeUnit.NANOSECONDS.timedWait(
              progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(roundMillis)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  private static boolean settled(Collection<Map.Entry<Grant, Long>> targets) {
    for (Map.Entry<Grant, Long> target : targets) {
      if (target.getKey().settledUnits < target.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops the background thread, then settles what every grant spent and releases every lease, for
   * up to {@code timeout}; a lease not released in time ends at its expiry.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  void close(Duration timeout) {
    stopping = true;
    Thread thread = worker;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<LeasedQuota> open = new ArrayList<>(quotas.values());
    for (LeasedQuota quota : open) {
      quota.retireDue(clock.millis(), true);
    }
    while (!open.isEmpty()
        && System.nanoTime() < deadline
        && !Thread.currentThread().isInterrupted()) {
      for (Iterator<LeasedQuota> it = open.iterator(); it.hasNext(); ) {
        LeasedQuota quota = it.next();
        settleRetired(quota);
        if (quota.retired.isEmpty()) {
          it.remove();
        }
      }
      if (!open.isEmpty()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(roundMillis, 100)));
      }
    }
    if (!open.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Kaiten leases of {0} were not all settled and released before the"
              + " client closed; what they had left returns to the pool when they expire",
          open.size());
    }
  }

  /** Stops the background thread and nothing else, as a killed process would. */
  void halt() {
    stopping = true;
    LockSupport.unpark(worker);
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? Transport.JSON.createObjectNode() : Transport.JSON.readTree(body);
    } catch (IOException e) {
      return Transport.JSON.createObjectNode();
    }
  }

  private static long micro(JsonNode number, long otherwise) {
    if (number == null || !number.isNumber()) {
      return otherwise;
    }
    BigDecimal micro = number.decimalValue().movePointRight(6);
    return micro.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE
        : micro.longValue();
  }
}
