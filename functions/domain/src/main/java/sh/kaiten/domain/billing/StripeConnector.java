package sh.kaiten.domain.billing;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.Customer;

/**
 * A tenant's Stripe connector: which entitlements go to which Stripe meters, and where a Kaiten
 * customer keeps its Stripe customer id. The restricted API key is not here: it is kept in Secrets
 * Manager ({@link ConnectorKeys}) and never read back out through the API.
 *
 * @param meters by entitlement slug
 * @param customerIdKey the key of a customer's metadata holding its Stripe customer id ({@code
 *     cus_...})
 */
public record StripeConnector(
    String tenantId,
    Map<String, MeterMapping> meters,
    String customerIdKey,
    Instant createdAt,
    Instant updatedAt) {
  /** Where a customer's Stripe id is looked for unless the connector says otherwise. */
  public static final String DEFAULT_CUSTOMER_ID_KEY = "stripe_customer_id";

  private static final Pattern METADATA_KEY = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");

  public StripeConnector {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    meters = Map.copyOf(meters);
    meters.forEach(
        (slug, mapping) -> {
          if (!slug.equals(mapping.entitlement())) {
            throw new IllegalArgumentException(
                "the meter of " + slug + " maps " + mapping.entitlement());
          }
        });
    if (customerIdKey == null || !METADATA_KEY.matcher(customerIdKey).matches()) {
      throw new InvalidInputException(
          "customer_id_key",
          "customer_id_key is 1 to 64 letters, digits and _ . : - (a key of customers' metadata)");
    }
  }

  /** The meter an entitlement's usage goes to, if the connector maps it. */
  public Optional<MeterMapping> meterOf(String entitlement) {
    return Optional.ofNullable(meters.get(entitlement));
  }

  /** The customer's Stripe id, from its metadata, if it has one. */
  public Optional<String> stripeCustomerOf(Customer customer) {
    return Optional.ofNullable(customer.metadata().get(customerIdKey)).filter(id -> !id.isBlank());
  }
}
