package sh.kaiten.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A function's invocations waiting for an execution environment: every environment's Runtime API
 * long-polls here, so each event goes to whichever environment asks first, as Lambda hands them
 * out.
 */
final class Invocations implements AutoCloseable {
  /**
   * How long an event may wait for a process to take it (a cold start, a restart after a crash).
   */
  static final Duration PICKUP_LIMIT = Duration.ofSeconds(60);

  private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread thread = new Thread(r, "runtime-api-timer");
            thread.setDaemon(true);
            return thread;
          });

  private final Consumer<String> log;

  /**
   * @param log where a dropped event is noted, beside the function's own output
   */
  Invocations(Consumer<String> log) {
    this.log = log;
    timer.setRemoveOnCancelPolicy(true); // an answered event's timers go at once, not 60 s later
  }

  private final AtomicLong dropped = new AtomicLong();

  /**
   * Queues an event. The answer fails with TIMED_OUT when no environment takes it within {@link
   * #PICKUP_LIMIT}; the environment that takes it times its run.
   */
  Invocation submit(String payload, Duration timeout, BooleanSupplier wanted) {
    Invocation invocation =
        new Invocation(
            UUID.randomUUID().toString(), payload, timeout, wanted, new CompletableFuture<>());
    ScheduledFuture<?> pickup =
        timer.schedule(
            () -> {
              if (pending.remove(invocation)) {
                invocation
                    .result()
                    .completeExceptionally(
                        new FunctionFailure(
                            FunctionFailure.Kind.TIMED_OUT,
                            "no function process took the event within "
                                + PICKUP_LIMIT.toSeconds()
                                + " s"));
              }
            },
            PICKUP_LIMIT.toMillis(),
            TimeUnit.MILLISECONDS);
    invocation.result().whenComplete((answer, failure) -> pickup.cancel(false));
    pending.add(invocation);
    return invocation;
  }

  /**
   * The next event to run, waiting for one: events nobody waits for any more (answered already, or
   * whose client has gone) are dropped on the way, never handed to a function.
   */
  Invocation take() throws InterruptedException {
    while (true) {
      Invocation invocation = pending.take();
      if (invocation.result().isDone()) {
        continue;
      }
      if (!invocation.wanted().getAsBoolean()) {
        dropped.incrementAndGet();
        log.accept(
            "[kaiten-local] invocation "
                + invocation.requestId()
                + " dropped: its client went away before a function took it");
        invocation
            .result()
            .completeExceptionally(
                new FunctionFailure(
                    FunctionFailure.Kind.ABANDONED,
                    "the client went away before the invocation started; it was not run"));
        continue;
      }
      return invocation;
    }
  }

  /** Events waiting for an environment. */
  int waiting() {
    return pending.size();
  }

  /** How many events were dropped because their client had gone. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Fails the answer of {@code invocation} with TIMED_OUT unless it has one within {@code timeout}.
   */
  void timeOut(Invocation invocation) {
    ScheduledFuture<?> deadline =
        timer.schedule(
            () ->
                invocation
                    .result()
                    .completeExceptionally(
                        new FunctionFailure(
                            FunctionFailure.Kind.TIMED_OUT,
                            "the function did not answer within "
                                + invocation.timeout().toSeconds()
                                + " s")),
            invocation.timeout().toMillis(),
            TimeUnit.MILLISECONDS);
    invocation.result().whenComplete((answer, failure) -> deadline.cancel(false));
  }

  /** No environment is left to run what waits: it fails now rather than at its pickup limit. */
  void failWaiting(String why) {
    List<Invocation> lost = new ArrayList<>();
    pending.drainTo(lost);
    lost.forEach(
        invocation ->
            invocation
                .result()
                .completeExceptionally(new FunctionFailure(FunctionFailure.Kind.CRASHED, why)));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    failWaiting("kaiten-local is stopping");
  }
}
