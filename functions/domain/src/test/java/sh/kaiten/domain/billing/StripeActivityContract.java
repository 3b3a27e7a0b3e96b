package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StripeActivity} does, on the in-memory port and the DynamoDB adapter alike:
 * tallies that add up message by message, the latest instants and error kept, per tenant.
 */
public abstract class StripeActivityContract {
  protected abstract StripeActivity activity();

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private final String tenant = "ten_contract_" + System.nanoTime();

  @Test
  void sentAndFailedMessagesAddUpAndTheLatestOfEachIsKept() {
    assertThat(activity().find(tenant)).isEmpty();

    activity().sent(tenant, 3, T0, T0.plusSeconds(2));
    activity().failed(tenant, "Stripe unavailable: 503", T0.plusSeconds(10), T0.plusSeconds(11));
    activity().sent(tenant, 2, T0.plusSeconds(5), T0.plusSeconds(12));
    activity().failed(tenant, "rate limited by Stripe", T0.plusSeconds(20), T0.plusSeconds(21));

    assertThat(activity().find(tenant))
        .contains(
            new StripeActivity.Activity(
                T0.plusSeconds(12),
                5,
                T0.plusSeconds(5),
                T0.plusSeconds(20),
                2,
                "rate limited by Stripe",
                T0.plusSeconds(21)));
  }

  @Test
  void anotherTenantsActivityIsItsOwnAndALongReasonIsCut() {
    activity().failed(tenant, "x".repeat(2000), T0, T0);

    assertThat(activity().find(tenant + "_other")).isEmpty();
    assertThat(activity().find(tenant).orElseThrow().lastError()).hasSize(500);
    assertThat(activity().find(tenant).orElseThrow().sent()).isZero();
    assertThat(activity().find(tenant).orElseThrow().lastSentAt()).isNull();
  }
}
