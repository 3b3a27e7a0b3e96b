package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;

/**
 * What one page of a reconciliation's audit records counted for Stripe: per customer with a Stripe
 * id and entitlement, what a Stripe meter should hold of it (a SUM's values times the mapping's
 * scale, a COUNT's reports; a {@code last} meter's latest event of the window), and the counted
 * reports that cannot be compared.
 *
 * @param totals by customer, then entitlement
 * @param latest by customer, then entitlement: the page's latest event of each {@code last} meter
 *     stamped in the window, as live sync sent it
 * @param unattributed counted reports of a mapped entitlement whose instance, license or customer
 *     is gone
 * @param withoutStripeId counted reports of a mapped entitlement whose customer has no Stripe id
 */
public record CountedUsage(
    Map<Key, BigDecimal> totals,
    Map<Key, ReconciliationTallies.LastEvent> latest,
    int unattributed,
    int withoutStripeId) {
  /** A Kaiten customer's usage of an entitlement. */
  public record Key(String customerId, String entitlement) implements Comparable<Key> {
    public Key {
      Objects.requireNonNull(customerId, "customerId");
      Objects.requireNonNull(entitlement, "entitlement");
    }

    @Override
    public int compareTo(Key other) {
      int byCustomer = customerId.compareTo(other.customerId);
      return byCustomer != 0 ? byCustomer : entitlement.compareTo(other.entitlement);
    }
  }

  public CountedUsage {
    totals = Map.copyOf(totals);
    latest = Map.copyOf(latest);
  }
}
