package sh.kaiten.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A function's invocations waiting for an execution environment: every environment's Runtime API
 * long-polls here. An event goes to the environment that became free last, as Lambda reuses its
 * warm environments: at low concurrency one process serves every event and stays warm (its JIT sees
 * all the traffic), and the others idle, where Lambda would in time retire them. Events wait in
 * arrival order while every environment is busy.
 */
final class Invocations implements AutoCloseable {
  /**
   * How long an event may wait for a process to take it (a cold start, a restart after a crash).
   */
  static final Duration PICKUP_LIMIT = Duration.ofSeconds(60);

  private final ReentrantLock lock = new ReentrantLock();

  /** Events no environment has taken yet, oldest first. Guarded by {@link #lock}. */
  private final Deque<Invocation> pending = new ArrayDeque<>();

  /** Environments waiting for an event, the one that became free last first. Guarded by lock. */
  private final Deque<Idle> idle = new ArrayDeque<>();

  /** An environment's {@code next} call, waiting for an event to be handed to it. */
  private static final class Idle {
    final Condition handed;
    Invocation event;

    Idle(Condition handed) {
      this.handed = handed;
    }
  }

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
              if (withdraw(invocation)) {
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
    offer(invocation, false);
    return invocation;
  }

  /**
   * Hands {@code invocation} to the environment that became free last, or queues it (at the front
   * when it is one an environment gave back).
   */
  private void offer(Invocation invocation, boolean first) {
    lock.lock();
    try {
      Idle environment = idle.pollFirst();
      if (environment != null) {
        environment.event = invocation;
        environment.handed.signal();
      } else if (first) {
        pending.addFirst(invocation);
      } else {
        pending.addLast(invocation);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Takes {@code invocation} back if no environment has it yet. */
  private boolean withdraw(Invocation invocation) {
    lock.lock();
    try {
      return pending.remove(invocation);
    } finally {
      lock.unlock();
    }
  }

  /** The oldest queued event, or the next one submitted, handed to this caller. */
  private Invocation nextEvent() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      Invocation queued = pending.pollFirst();
      if (queued != null) {
        return queued;
      }
      Idle environment = new Idle(lock.newCondition());
      idle.addFirst(environment);
      try {
        while (environment.event == null) {
          environment.handed.await();
        }
        return environment.event;
      } catch (InterruptedException e) {
        idle.remove(environment);
        if (environment.event != null) { // handed over as the wait ended: the next one gets it
          offer(environment.event, true);
        }
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next event to run, waiting for one: events nobody waits for any more (answered already, or
   * whose client has gone) are dropped on the way, never handed to a function.
   */
  Invocation take() throws InterruptedException {
    while (true) {
      Invocation invocation = nextEvent();
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
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Environments waiting for an event. */
  int idle() {
    lock.lock();
    try {
      return idle.size();
    } finally {
      lock.unlock();
    }
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
    List<Invocation> lost;
    lock.lock();
    try {
      lost = new ArrayList<>(pending);
      pending.clear();
    } finally {
      lock.unlock();
    }
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
