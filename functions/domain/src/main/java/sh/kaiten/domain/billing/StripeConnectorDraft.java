package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A Stripe connector as an admin writes it.
 *
 * @param apiKey the restricted key ({@code rk_live_...}, {@code rk_test_...}); null on a replace
 *     keeps the key stored
 * @param customerIdKey null for {@link StripeConnector#DEFAULT_CUSTOMER_ID_KEY}
 * @param meters by entitlement slug
 */
public record StripeConnectorDraft(String apiKey, String customerIdKey, Map<String, Meter> meters) {

  /**
   * @param scale null for 1
   */
  public record Meter(String eventName, BigDecimal scale) {}
}
