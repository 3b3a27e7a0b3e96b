package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which execution environment gets an event, as Lambda hands them out. */
class InvocationsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<String> notes = new CopyOnWriteArrayList<>();
  private final Invocations invocations = new Invocations(notes::add);
  private final ExecutorService environments = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    environments.shutdownNow();
    assertThat(environments.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    invocations.close();
  }

  /** An environment's {@code next} call, started once the ones before it wait. */
  private Future<Invocation> next() {
    int before = invocations.idle();
    Future<Invocation> taken = environments.submit(invocations::take);
    await().atMost(WAIT).until(() -> invocations.idle() == before + 1);
    return taken;
  }

  private Invocation submit(String payload) {
    return invocations.submit(payload, Duration.ofSeconds(30), () -> true);
  }

  @Test
  void theEnvironmentThatBecameFreeLastGetsTheNextEvent() throws Exception {
    Future<Invocation> first = next();
    Future<Invocation> second = next();
    Future<Invocation> third = next();

    Invocation one = submit("{\"n\":1}");
    assertThat(third.get(10, TimeUnit.SECONDS)).isSameAs(one);
    assertThat(invocations.idle()).isEqualTo(2);

    // the third answers and asks again: it is the warm one, so it gets the next event too
    Future<Invocation> thirdAgain = next();
    Invocation two = submit("{\"n\":2}");
    assertThat(thirdAgain.get(10, TimeUnit.SECONDS)).isSameAs(two);

    Invocation three = submit("{\"n\":3}");
    assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(three);
    assertThat(first).isNotDone();
    assertThat(invocations.waiting()).isZero();
  }

  @Test
  void eventsWaitInArrivalOrderWhileEveryEnvironmentIsBusy() throws Exception {
    List<Invocation> submitted = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      submitted.add(submit("{\"n\":" + n + "}"));
    }
    assertThat(invocations.waiting()).isEqualTo(3);

    assertThat(invocations.take()).isSameAs(submitted.get(0));
    assertThat(invocations.take()).isSameAs(submitted.get(1));
    assertThat(invocations.take()).isSameAs(submitted.get(2));
    assertThat(invocations.waiting()).isZero();
  }

  @Test
  void anEnvironmentThatStopsWaitingIsHandedNothing() throws Exception {
    Future<Invocation> staying = next();
    Future<Invocation> leaving = next();

    leaving.cancel(true);
    await().atMost(WAIT).until(() -> invocations.idle() == 1);
    Invocation event = submit("{\"n\":1}");

    assertThat(staying.get(10, TimeUnit.SECONDS)).isSameAs(event);
    assertThat(invocations.waiting()).isZero();
  }

  @Test
  void anEventWhoseClientWentAwayIsDroppedAndTheNextOneTaken() throws Exception {
    Invocation abandoned = invocations.submit("{\"n\":1}", Duration.ofSeconds(30), () -> false);
    Invocation wanted = submit("{\"n\":2}");

    assertThat(invocations.take()).isSameAs(wanted);
    assertThat(abandoned.result()).isCompletedExceptionally();
    assertThat(invocations.dropped()).isEqualTo(1);
    assertThat(notes)
        .containsExactly(
            "[kaiten-local] invocation "
                + abandoned.requestId()
                + " dropped: its client went away before a function took it");
  }
}
