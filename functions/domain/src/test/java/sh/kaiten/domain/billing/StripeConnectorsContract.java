package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;

/**
 * What every {@link StripeConnectors} does, on the in-memory port and the DynamoDB adapter alike:
 * one connector per tenant, read back whole, replaced, deleted, and never seen by another tenant.
 */
public abstract class StripeConnectorsContract {
  protected abstract StripeConnectors connectors();

  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private final String tenant = "ten_contract_" + System.nanoTime();

  private StripeConnector connector(String tenantId, Instant updatedAt, MeterMapping... meters) {
    Map<String, MeterMapping> byEntitlement = new java.util.HashMap<>();
    for (MeterMapping meter : meters) {
      byEntitlement.put(meter.entitlement(), meter);
    }
    return new StripeConnector(tenantId, byEntitlement, "stripe_id", T0, updatedAt);
  }

  private static final MeterMapping API_CALLS =
      new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM);
  private static final MeterMapping STORAGE =
      new MeterMapping("storage-gb", "storage_mb", new BigDecimal("1000.5"), Aggregation.MAX);

  @Test
  void aConnectorIsReadBackAsWritten() {
    StripeConnector written = connector(tenant, T0, API_CALLS, STORAGE);
    connectors().put(written);

    assertThat(connectors().find(tenant)).contains(written);
  }

  @Test
  void aConnectorIsReplacedWhole() {
    connectors().put(connector(tenant, T0, API_CALLS, STORAGE));
    StripeConnector replaced = connector(tenant, T0.plusSeconds(60), STORAGE);
    connectors().put(replaced);

    assertThat(connectors().find(tenant)).contains(replaced);
  }

  @Test
  void anotherTenantSeesNoConnectorAndADeletedOneIsGone() {
    connectors().put(connector(tenant, T0, API_CALLS));

    assertThat(connectors().find(tenant + "_other")).isEmpty();
    assertThat(connectors().delete(tenant + "_other")).isFalse();
    assertThat(connectors().delete(tenant)).isTrue();
    assertThat(connectors().find(tenant)).isEmpty();
    assertThat(connectors().delete(tenant)).isFalse();
  }
}
