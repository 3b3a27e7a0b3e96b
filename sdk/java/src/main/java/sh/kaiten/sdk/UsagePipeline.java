package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ships queued usage reports, and the check tallies, to {@code POST {instance}/usage/batch},
 * exactly once.
 *
 * <p>{@link #enqueue} runs on the application's request path: it fixes the report's idempotency key
 * (a random 100-bit prefix per client run, then a sequence number) and timestamp, appends it to the
 * spool if there is one ({@link Spool}: no lock, no network), and adds it to a lock-free queue.
 * Without a spool the queue is in memory only and unbounded: nothing is dropped, and a process that
 * dies loses what it had not delivered.
 *
 * <p>One daemon thread sends: as soon as {@code batchTrigger} reports wait, at every {@code
 * flushInterval} while anything waits, and at once on {@link #flush}; at most {@code maxBatch}
 * reports and 1000 tallies per request. A request is sent again unchanged (same keys, same checks
 * id) until the server answers for it, so batches settle whole and in queue order; that order is
 * what lets a flush wait for a count. Transient failures (429, 5xx, no answer) back off
 * exponentially with full jitter and never drop anything; a refused client (401, 403, 404) waits
 * the longest backoff; a request the server calls bad (400, 413, 422) drops its tallies when they
 * are to blame, refuses the one report it names ({@code events[3].value}) and sends the others
 * again, else refuses its reports, so nothing loops forever. Check tallies live in memory only: a
 * killed process loses those it held.
 */
final class UsagePipeline implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KaitenClient.class.getName());

  /**
   * The longest a flush waits, whatever it is given (a longer wait would overflow nanoTime
   * arithmetic).
   */
  private static final Duration LONGEST_FLUSH = Duration.ofDays(365);

  /** The most tallies the server takes with one batch. */
  private static final int MAX_TALLIES = 1000;

  private static final Pattern BLAMED = Pattern.compile("events\\[(\\d{1,9})\\]");
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final Transport transport;
  private final String batchPath;
  private final String instance;
  private final PipelineSettings settings;
  private final Listeners listeners;
  private final Clock clock;
  private final DeliveryObserver observer;
  private final TallySource tallies;
  private final Backoff backoff;

  /**
   * Whether the running backoff is this client's own choice, which a flush may cut short (sender
   * thread only).
   */
  private boolean backoffOwn;

  private final String keyPrefix;
  private final long intervalNanos;

  private final ConcurrentLinkedQueue<QueuedReport> queue = new ConcurrentLinkedQueue<>();

  /** The number in each key of this run. */
  private final AtomicLong keys = new AtomicLong();

  /**
   * Reports ever queued, counted before they enter the queue (so a flush's count covers all that
   * returned).
   */
  private final AtomicLong enqueued = new AtomicLong();

  private final AtomicLong settled = new AtomicLong();
  private final AtomicLong flushRequests = new AtomicLong();

  /** Flush waits on it; the sender notifies it whenever reports or tallies are answered for. */
  private final Object progress = new Object();

  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Spool spool;
  private volatile Thread sender;
  private volatile boolean accepting = true;
  private volatile boolean stopping;

  /**
   * Whether the sender was woken for a full batch and has not looked since: enqueue wakes it once.
   */
  private volatile boolean signalled;

  /** Reports the sender took from the queue (written by the sender only). */
  private volatile long taken;

  /** The last flush request whose tallies are delivered. */
  private volatile long talliesFlushed;

  // The sender thread's own.
  private UsageBatch inFlight;
  private final ArrayDeque<CheckTally> pendingTallies = new ArrayDeque<>();
  private long checksIds;
  private long flushSeen;
  private long flushTarget;
  private int failures;
  private long retryAt;
  private long nextTick;

  UsagePipeline(
      Transport transport,
      String instancePath,
      PipelineSettings settings,
      Listeners listeners,
      Clock clock,
      DeliveryObserver observer,
      TallySource tallies) {
    this.transport = transport;
    this.batchPath = instancePath + "/usage/batch";
    this.instance =
        URLDecoder.decode(
            instancePath.substring(instancePath.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    this.settings = settings;
    this.listeners = listeners;
    this.clock = clock;
    this.observer = observer;
    this.tallies = tallies;
    this.backoff = new Backoff(settings.initialBackoff, settings.maxBackoff);
    this.keyPrefix = randomPrefix() + ".";
    this.intervalNanos = settings.flushInterval.toNanos();
  }

  /** Opens the spool (queueing what a former process left in it, first) and starts the sender. */
  void start() throws IOException {
    if (settings.spoolDirectory != null) {
      Spool opened = Spool.open(settings.spoolDirectory, settings.maxSpoolBytes, this::wake);
      try {
        for (QueuedReport report : opened.restored()) {
          observer.restored(report.entitlement, report.value.doubleValue());
          enqueued.incrementAndGet();
          queue.add(report);
        }
      } catch (RuntimeException e) {
        opened.close(); // the directory is not left locked by a client that never started
        throw e;
      }
      if (!opened.restored().isEmpty()) {
        LOG.log(
            System.Logger.Level.INFO,
            "{0} usage reports not delivered by an earlier process are queued from"
                + " the spool {1}",
            opened.restored().size(),
            settings.spoolDirectory);
      }
      spool = opened;
    }
    Thread thread = new Thread(this::send, "kaiten-usage-" + instance);
    thread.setDaemon(true);
    sender = thread;
    thread.start();
  }

  /** Queues a report made now; never waits for the network or for a lock held during I/O. */
  void enqueue(String entitlement, BigDecimal value) {
    if (!accepting) {
      throw new IllegalStateException("the Kaiten client is closed");
    }
    QueuedReport report =
        new QueuedReport(keyPrefix + keys.incrementAndGet(), clock.millis(), entitlement, value);
    Spool disk = spool;
    if (disk != null && !disk.append(report) && disk.closed()) {
      throw new IllegalStateException("the Kaiten client is closed");
    }
    // Counted just before it is queued: a flush counts every report that returned, the sender none
    // that is not there.
    long waiting = enqueued.incrementAndGet() - taken;
    queue.add(report);
    if (waiting >= settings.batchTrigger && !signalled) {
      signalled = true;
      LockSupport.unpark(sender);
    }
  }

  /**
   * Waits until every report queued before the call, and the tallies counted before it, are
   * answered for by the server, or the timeout passes. Wakes the sender at once, and cuts short a
   * backoff of its own (not one the server asked for with {@code Retry-After}, nor a refused
   * client's).
   *
   * @return whether everything was answered for in time
   */
  boolean flush(Duration timeout) {
    long target = enqueued.get();
    long ticket = flushRequests.incrementAndGet();
    Thread thread = sender;
    if (thread == null || !thread.isAlive() || thread == Thread.currentThread()) {
      return settled.get()
          >= target; // nothing would deliver while it waited (a listener flushing, say)
    }
    LockSupport.unpark(thread);
    long deadline =
        System.nanoTime()
            + (timeout.compareTo(LONGEST_FLUSH) > 0 ? LONGEST_FLUSH : timeout).toNanos();
    synchronized (progress) {
      while (settled.get() < target || talliesFlushed < ticket) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** Reports queued and not yet answered for. */
  long queued() {
    return enqueued.get() - settled.get();
  }

  /**
   * Stops accepting reports, delivers for up to {@link PipelineSettings#closeTimeout}, stops the
   * sender. What is not delivered stays in the spool for the next start; without a spool it is
   * lost, and logged.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    accepting = false;
    boolean delivered = flush(settings.closeTimeout);
    stopping = true;
    Thread thread = sender;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(500);
        if (thread.isAlive()) {
          thread.interrupt(); // a request still in flight: its reports stay queued, its keys keep a
          // retry safe
          thread.join(2000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Spool disk = spool;
    long left = queued();
    if (disk != null) {
      disk.close();
      if (!delivered && left > 0) {
        LOG.log(
            System.Logger.Level.WARNING,
            "{0} usage reports were not delivered before close; they stay in the"
                + " spool {1} for the next start",
            left,
            settings.spoolDirectory);
      }
    } else if (left > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0} usage reports were not delivered before close and are lost (no"
              + " spool directory)",
          left);
    }
    int talliesLeft =
        pendingTallies.size()
            + (inFlight != null && inFlight.checks != null ? inFlight.checks.tallies.size() : 0);
    if (talliesLeft > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0} check tallies were not delivered before close and are lost",
          talliesLeft);
    }
  }

  /** Stops the sender with nothing delivered, as a killed process would. Tests only. */
  void halt() {
    closed.set(true);
    accepting = false;
    stopping = true;
    LockSupport.unpark(sender);
  }

  private void wake() {
    LockSupport.unpark(sender);
  }

  // ---- the sender thread ----

  private void send() {
    retryAt = System.nanoTime();
    nextTick = retryAt + intervalNanos;
    while (!stopping && !Thread.currentThread().isInterrupted()) {
      try {
        sendOrWait();
      } catch (RuntimeException e) {
        // A bug, not an outage: say so, and keep the reports for a later attempt.
        LOG.log(System.Logger.Level.ERROR, "the Kaiten usage sender failed; it tries again", e);
        retryAt = System.nanoTime() + settings.maxBackoff.toNanos();
      }
    }
  }

  private void sendOrWait() {
    Spool disk = spool;
    if (disk != null) {
      disk.prepareSpare();
    }
    if (disk != null && disk.takeFullNotice()) {
      long waiting = queued();
      LOG.log(
          System.Logger.Level.ERROR,
          "the usage spool {0} is full ({1} bytes at most): reports wait in memory"
              + " only, and are lost if this process dies, until it drains",
          settings.spoolDirectory,
          settings.maxSpoolBytes);
      listeners.tell(listener -> listener.spoolFull(waiting));
    }
    long now = System.nanoTime();
    if (now - retryAt < 0 && !(backoffOwn && flushRequests.get() != flushSeen)) {
      LockSupport.parkNanos(this, retryAt - now);
      return;
    }
    long flushes = flushRequests.get();
    if (flushes != flushSeen) {
      flushTarget = enqueued.get();
      pendingTallies.addAll(tallies.drain(true));
      flushSeen = flushes;
      tallyDelivered();
    }
    boolean tick = now - nextTick >= 0;
    if (tick) {
      pendingTallies.addAll(tallies.drain(false));
      nextTick = now + intervalNanos;
      if (disk != null) {
        disk.commit();
      }
    }
    boolean flushing = settled.get() < flushTarget || talliesFlushed != flushSeen;
    signalled = false;
    long waiting = enqueued.get() - taken;
    boolean anything = inFlight != null || waiting > 0 || !pendingTallies.isEmpty();
    if (anything && (inFlight != null || waiting >= settings.batchTrigger || tick || flushing)) {
      deliver();
      return;
    }
    if (!anything && talliesFlushed != flushSeen) {
      talliesFlushed = flushSeen;
      notifyProgress();
    }
    LockSupport.parkNanos(this, nextTick - now);
  }

  /** Sends the batch in flight, or a new one, once, and acts on the answer. */
  private void deliver() {
    if (inFlight == null) {
      inFlight = nextBatch();
      if (inFlight == null) {
        Thread.yield(); // a report counted but not yet in the queue: it is a moment away
        return;
      }
    }
    observer.delivering();
    try {
      post(inFlight);
    } finally {
      observer.delivered();
    }
  }

  private void post(UsageBatch batch) {
    HttpResponse<byte[]> response;
    try {
      HttpRequest request =
          transport
              .request(batchPath)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(batch.json()))
              .build();
      response = transport.send(request);
    } catch (IOException e) {
      failed(0, e.toString(), null);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread()
          .interrupt(); // close() stops a request in flight: the batch stays queued
      return;
    }
    int status = response.statusCode();
    Duration askedToWait =
        Backoff.retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock);
    switch (status) {
      case 200:
        answered(batch, response.body());
        break;
      case 400:
      case 413:
      case 422:
        badRequest(batch, status, response.body());
        break;
      case 401:
      case 403:
      case 404:
        refusedClient(status, response.body(), askedToWait);
        break;
      default:
        failed(status, "HTTP " + status, askedToWait);
    }
  }

  private UsageBatch nextBatch() {
    pendingTallies.addAll(tallies.drain(false));
    List<QueuedReport> reports = new ArrayList<>(Math.min(settings.maxBatch, 128));
    QueuedReport report;
    while (reports.size() < settings.maxBatch && (report = queue.poll()) != null) {
      reports.add(report);
    }
    taken += reports.size();
    UsageBatch.Checks checks = null;
    if (!pendingTallies.isEmpty()) {
      List<CheckTally> sent = new ArrayList<>(Math.min(pendingTallies.size(), MAX_TALLIES));
      while (sent.size() < MAX_TALLIES && !pendingTallies.isEmpty()) {
        sent.add(pendingTallies.poll());
      }
      checks = new UsageBatch.Checks(keyPrefix + "checks." + ++checksIds, sent);
    }
    UsageBatch batch = new UsageBatch(reports, checks);
    return batch.isEmpty() ? null : batch;
  }

  private void answered(UsageBatch batch, byte[] body) {
    BatchAnswer answer = BatchAnswer.read(body, batch.reports.size());
    if (answer.unsettled != null) {
      failed(200, answer.unsettled, null);
      return;
    }
    List<RefusedReport> refused = new ArrayList<>();
    for (int i = 0; i < batch.reports.size(); i++) {
      QueuedReport report = batch.reports.get(i);
      JsonNode error = answer.error(i);
      if (error != null) {
        refused.add(
            new RefusedReport(
                report.entitlement,
                report.value,
                Instant.ofEpochMilli(report.timestamp),
                report.idempotencyKey,
                error.path("status").asInt(400),
                BatchAnswer.detail(error)));
        continue;
      }
      JsonNode result = answer.result(i);
      if ("REJECTED".equals(result.path("status").asText())) {
        RejectedReport rejected =
            new RejectedReport(
                report.entitlement,
                report.value,
                Instant.ofEpochMilli(report.timestamp),
                report.idempotencyKey,
                result.path("reason").asText(null),
                BatchAnswer.decimal(result.get("current_usage")),
                BatchAnswer.decimal(result.get("limit")));
        listeners.tell(listener -> listener.reportRejected(rejected));
      }
    }
    if (!refused.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Kaiten refused {0} usage reports; they are dropped, e.g. {1}",
          refused.size(),
          refused.get(0));
      refused.forEach(report -> listeners.tell(listener -> listener.reportRefused(report)));
    }
    inFlight = null;
    settle(batch.reports);
  }

  /**
   * The server calls the whole request bad. Tallies it blames are dropped and the reports go again
   * alone; otherwise the reports are refused, as they would be each time.
   */
  private void badRequest(UsageBatch batch, int status, byte[] body) {
    JsonNode problem = problem(body);
    String detail = BatchAnswer.detail(problem);
    String field = problem.path("field").asText("");
    boolean blamesChecks =
        field.startsWith("checks") || field.isEmpty() && detail.contains("checks");
    if (batch.checks != null && (blamesChecks || batch.reports.isEmpty())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Kaiten refused {0} check tallies ({1} {2}); they are dropped",
          batch.checks.tallies.size(),
          status,
          detail);
      inFlight = batch.reports.isEmpty() ? null : batch.withoutChecks();
      tallyDelivered();
      return;
    }
    int blamed = blamedReport(field, batch.reports.size());
    if (blamed >= 0) {
      // The server checks a batch whole and names the one report to blame: only that one is
      // refused,
      // and the others go again, with their keys, so none is lost or counted twice.
      QueuedReport report = batch.reports.get(blamed);
      LOG.log(
          System.Logger.Level.WARNING,
          "Kaiten refused a usage report ({0} {1}); it is dropped",
          status,
          detail);
      RefusedReport refused =
          new RefusedReport(
              report.entitlement,
              report.value,
              Instant.ofEpochMilli(report.timestamp),
              report.idempotencyKey,
              status,
              detail);
      listeners.tell(listener -> listener.reportRefused(refused));
      List<QueuedReport> rest = new ArrayList<>(batch.reports);
      rest.remove(blamed);
      UsageBatch again = new UsageBatch(rest, batch.checks);
      inFlight = again.isEmpty() ? null : again;
      settle(List.of(report));
      return;
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "Kaiten refused a batch of {0} usage reports ({1} {2}); they are dropped",
        batch.reports.size(),
        status,
        detail);
    for (QueuedReport report : batch.reports) {
      RefusedReport refused =
          new RefusedReport(
              report.entitlement,
              report.value,
              Instant.ofEpochMilli(report.timestamp),
              report.idempotencyKey,
              status,
              detail);
      listeners.tell(listener -> listener.reportRefused(refused));
    }
    inFlight = batch.checks == null ? null : batch.withoutReports();
    settle(batch.reports);
  }

  private void refusedClient(int status, byte[] body, Duration askedToWait) {
    String detail = BatchAnswer.detail(problem(body));
    LOG.log(
        System.Logger.Level.ERROR,
        "Kaiten refused this client''s usage reports ({0}): {1}",
        status,
        detail);
    Duration wait =
        askedToWait != null && askedToWait.compareTo(backoff.longest()) > 0
            ? askedToWait
            : backoff.longest();
    failedFor(status, "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail), wait);
    backoffOwn = false;
  }

  private void failed(int status, String cause, Duration askedToWait) {
    Duration wait = backoff.after(failures + 1);
    boolean own = askedToWait == null || askedToWait.compareTo(wait) <= 0;
    failedFor(status, cause, own ? wait : askedToWait);
    backoffOwn = own;
  }

  private void failedFor(int status, String cause, Duration wait) {
    int attempt = ++failures;
    retryAt = System.nanoTime() + wait.toNanos();
    long waiting = queued();
    DeliveryFailure failure = new DeliveryFailure(attempt, waiting, status, cause, wait);
    LOG.log(System.Logger.Level.WARNING, "Kaiten usage delivery failed: {0}", failure);
    listeners.tell(listener -> listener.deliveryFailing(failure));
  }

  /** The server answered for these reports (and for the tallies sent with them, if any). */
  private void settle(List<QueuedReport> reports) {
    Spool disk = spool;
    for (QueuedReport report : reports) {
      observer.settled(report.entitlement, report.value.doubleValue());
      if (disk != null) {
        disk.settled(report);
      }
    }
    if (disk != null) {
      disk.commit();
    }
    if (failures > 0) {
      failures = 0;
      listeners.tell(KaitenListener::deliveryRecovered);
    }
    // Last: a flush may return as soon as it sees the count, and listeners have heard everything by
    // then.
    settled.addAndGet(reports.size());
    tallyDelivered();
    notifyProgress();
  }

  /**
   * Tallies left the queue: when none wait any more, every flush so far has its tallies delivered.
   */
  private void tallyDelivered() {
    if (pendingTallies.isEmpty() && (inFlight == null || inFlight.checks == null)) {
      talliesFlushed = flushSeen;
      notifyProgress();
    }
  }

  private void notifyProgress() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  /**
   * The report a problem's field names, {@code events[3].value} → 3; -1 when it names none of the
   * batch.
   */
  static int blamedReport(String field, int reports) {
    Matcher named = BLAMED.matcher(field);
    if (!named.lookingAt()) {
      return -1;
    }
    try {
      int index = Integer.parseInt(named.group(1));
      return index < reports ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode problem(byte[] body) {
    try {
      return Transport.JSON.readTree(body);
    } catch (IOException e) {
      return Transport.JSON
          .createObjectNode()
          .put("detail", new String(body, StandardCharsets.UTF_8));
    }
  }

  /** 100 random bits in base32: no other client run, here or anywhere, makes the same keys. */
  private static String randomPrefix() {
    byte[] bytes = new byte[13];
    new SecureRandom().nextBytes(bytes);
    StringBuilder prefix = new StringBuilder(20);
    long buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = buffer << 8 | (b & 0xff);
      bits += 8;
      while (bits >= 5 && prefix.length() < 20) {
        prefix.append(BASE32[(int) (buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return prefix.toString();
  }
}
