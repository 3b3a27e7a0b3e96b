package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What Kaiten counted for Stripe in a reconciliation's window so far: per customer and entitlement,
 * the total a Stripe meter should hold (a SUM's values times the mapping's scale, a COUNT's
 * reports), and the counted reports whose customer could not be found (an instance or license
 * deleted since).
 *
 * @param totals by customer, then entitlement
 * @param unattributed counted reports of a mapped entitlement whose customer is gone
 */
public record CountedUsage(Map<Key, BigDecimal> totals, int unattributed) {
  public static final CountedUsage NONE = new CountedUsage(Map.of(), 0);

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
  }

  /** These totals, and {@code more} added to them. */
  public CountedUsage plus(CountedUsage more) {
    Map<Key, BigDecimal> sum = new TreeMap<>(totals);
    more.totals.forEach((key, value) -> sum.merge(key, value, BigDecimal::add));
    return new CountedUsage(sum, unattributed + more.unattributed);
  }

  public BigDecimal of(Key key) {
    return totals.getOrDefault(key, BigDecimal.ZERO);
  }
}
