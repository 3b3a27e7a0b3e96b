package sh.kaiten.domain.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.metering.SettableClock;

/**
 * What every {@link RequestBudget} does, run against the in-memory port and the DynamoDB adapter
 * alike: a tenant's budget is a number of requests per fixed window, shared by every function
 * instance that serves it; past it the tenant is refused, told how long until its window ends,
 * while other tenants go on; a new window has room again.
 */
public abstract class RequestBudgetContract {
  /** The windows of every budget under test. */
  protected static final Duration WINDOW = Duration.ofSeconds(10);

  /**
   * Three seconds into a window of the wall clock's present, never a pinned date: a store may
   * expire a window's count by the wall clock (DynamoDB deletes items past their TTL), which must
   * not happen to a window a test is still in.
   */
  private static final Instant START =
      Instant.ofEpochSecond(
          Math.floorDiv(Instant.now().getEpochSecond(), WINDOW.getSeconds()) * WINDOW.getSeconds()
              + 3);

  protected final SettableClock clock = new SettableClock(START);

  /** Each test has tenants of its own, so tests on one shared store never meet. */
  private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  /**
   * A function instance's budget, on the store every instance of the suite shares.
   *
   * @param defaultPerSecond the budget of a tenant that has none of its own, in requests per second
   */
  protected abstract RequestBudget instance(Clock clock, int defaultPerSecond, Duration window);

  /** Gives a tenant a budget of its own, as an operator does. */
  protected abstract void setLimit(String tenantId, int requestsPerSecond);

  private String tenant(String name) {
    return "ten_" + name + "_" + run;
  }

  private RequestBudget instance() {
    return instance(clock, 100, WINDOW);
  }

  @Test
  void aTenantPastItsBudgetIsRefusedUntilItsWindowEndsAndOthersGoOn() {
    RequestBudget first = instance();
    RequestBudget second = instance();
    String small = tenant("small");
    String other = tenant("other");
    setLimit(small, 1); // 10 requests a window

    for (int i = 0; i < 10; i++) {
      assertThat((i % 2 == 0 ? first : second).admit(small)).as("request %d", i + 1).isEmpty();
    }
    assertThat(first.admit(small)).contains(Duration.ofSeconds(7));
    assertThat(second.admit(small)).contains(Duration.ofSeconds(7));
    assertThat(first.admit(other)).isEmpty();
    assertThat(second.admit(other)).isEmpty();

    clock.set(START.plusMillis(6_750));
    assertThat(first.admit(small)).contains(Duration.ofMillis(250));
    clock.set(START.plusSeconds(7));
    assertThat(first.admit(small)).isEmpty();
    assertThat(second.admit(small)).isEmpty();
  }

  @Test
  void oneInstanceTakesExactlyTheWindowsBudget() {
    RequestBudget budget = instance();
    String tenant = tenant("exact");
    setLimit(tenant, 25); // 250 a window

    int admitted = 0;
    for (int i = 0; i < 300; i++) {
      admitted += budget.admit(tenant).isEmpty() ? 1 : 0;
    }

    assertThat(admitted).isEqualTo(250);
  }

  @Test
  void instancesTogetherNeverAdmitMoreThanTheWindowsBudget() {
    RequestBudget first = instance();
    RequestBudget second = instance();
    RequestBudget third = instance();
    String tenant = tenant("shared");
    setLimit(tenant, 3); // 30 a window

    int admitted = 0;
    for (int i = 0; i < 90; i++) {
      RequestBudget instance = i % 3 == 0 ? first : i % 3 == 1 ? second : third;
      admitted += instance.admit(tenant).isEmpty() ? 1 : 0;
    }

    assertThat(admitted).isEqualTo(30);
    assertThat(first.admit(tenant)).contains(Duration.ofSeconds(7));
  }

  @Test
  void aTenantWithoutABudgetOfItsOwnHasTheDefault() {
    RequestBudget budget = instance(clock, 2, WINDOW); // 20 a window
    String tenant = tenant("default");

    int admitted = 0;
    for (int i = 0; i < 25; i++) {
      admitted += budget.admit(tenant).isEmpty() ? 1 : 0;
    }

    assertThat(admitted).isEqualTo(20);
  }
}
