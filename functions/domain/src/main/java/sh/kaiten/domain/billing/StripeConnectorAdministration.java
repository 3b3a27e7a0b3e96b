package sh.kaiten.domain.billing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.NumericContract;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;

/**
 * Use case: an admin sets up, reads and removes the tenant's Stripe connector. Everything is
 * checked before anything is written (a bad field is named, nothing stored); the key goes to its
 * own store ({@link ConnectorKeys}) and is never read back here.
 */
public final class StripeConnectorAdministration {
  /** Stripe's secret and restricted keys, live or test. */
  private static final Pattern KEY = Pattern.compile("^(rk|sk)_(live|test)_[A-Za-z0-9_]{8,240}$");

  /** More meters than any plan needs, and a bound on the item. */
  public static final int MAX_METERS = 100;

  private final StripeConnectors connectors;
  private final ConnectorKeys keys;
  private final Definitions definitions;
  private final Clock clock;

  public StripeConnectorAdministration(
      StripeConnectors connectors, ConnectorKeys keys, Definitions definitions, Clock clock) {
    this.connectors = connectors;
    this.keys = keys;
    this.definitions = definitions;
    this.clock = clock;
  }

  /** The connector as it stands now; whether it was created (no connector before) is said too. */
  public record Written(StripeConnector connector, boolean created) {}

  /** Creates or replaces the tenant's connector (a new key only if one is given). */
  public Written put(ApiToken caller, StripeConnectorDraft draft) {
    caller.requireAdmin();
    if (draft == null) {
      throw new InvalidInputException(null, "a JSON body is required");
    }
    String tenantId = caller.tenantId();
    Optional<StripeConnector> before = connectors.find(tenantId);
    if (draft.apiKey() == null && before.isEmpty()) {
      throw new InvalidInputException("api_key", "api_key is required to create the connector");
    }
    if (draft.apiKey() != null && !KEY.matcher(draft.apiKey()).matches()) {
      throw new InvalidInputException(
          "api_key",
          "api_key must be a Stripe secret or restricted key (rk_live_..., rk_test_...)");
    }
    Instant now = clock.instant();
    StripeConnector connector =
        new StripeConnector(
            tenantId,
            meters(tenantId, draft.meters()),
            draft.customerIdKey() == null
                ? StripeConnector.DEFAULT_CUSTOMER_ID_KEY
                : draft.customerIdKey(),
            before.map(StripeConnector::createdAt).orElse(now),
            now);
    if (draft.apiKey() != null) {
      keys.putStripeKey(tenantId, draft.apiKey());
    }
    connectors.put(connector);
    return new Written(connector, before.isEmpty());
  }

  public StripeConnector get(ApiToken caller) {
    caller.requireAdmin();
    return connectors
        .find(caller.tenantId())
        .orElseThrow(() -> new NotFoundException("connector", "stripe"));
  }

  /** Removes the connector and its key; usage reported from then on is not sent. */
  public void delete(ApiToken caller) {
    caller.requireAdmin();
    if (!connectors.delete(caller.tenantId())) {
      throw new NotFoundException("connector", "stripe");
    }
    keys.deleteStripeKey(caller.tenantId());
  }

  private Map<String, MeterMapping> meters(
      String tenantId, Map<String, StripeConnectorDraft.Meter> drafts) {
    if (drafts == null || drafts.isEmpty()) {
      throw new InvalidInputException("meters", "meters must map at least one entitlement");
    }
    if (drafts.size() > MAX_METERS) {
      throw new InvalidInputException(
          "meters", "meters maps at most " + MAX_METERS + " entitlements");
    }
    Map<String, MeterMapping> meters = new LinkedHashMap<>();
    drafts.forEach(
        (slug, draft) -> {
          String field = "meters." + slug;
          if (draft == null) {
            throw new InvalidInputException(field, field + " must be an object with event_name");
          }
          Entitlement entitlement =
              definitions
                  .findEntitlement(tenantId, slug)
                  .orElseThrow(
                      () ->
                          new UnknownReferenceException(
                              field, "entitlement '" + slug + "' does not exist"));
          if (!entitlement.isMetered()) {
            throw new InvalidInputException(
                field, "entitlement '" + slug + "' is " + entitlement.type() + ", not metered");
          }
          BigDecimal scale =
              draft.scale() == null
                  ? BigDecimal.ONE
                  : NumericContract.requireQuantity(field + ".scale", draft.scale());
          MeterMapping mapping;
          try {
            mapping =
                new MeterMapping(
                    slug, draft.eventName(), scale, entitlement.metering().aggregation());
          } catch (InvalidInputException bad) {
            throw new InvalidInputException(field + "." + bad.field(), bad.getMessage());
          }
          meters.put(slug, mapping);
        });
    return meters;
  }
}
