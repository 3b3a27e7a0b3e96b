package sh.kaiten.domain.crm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.webhooks.WebhookSecrets;

/**
 * What every {@link CrmConnectors} does, on the in-memory port and the DynamoDB adapter alike: one
 * connector per tenant, read back whole with its secret, replaced, its daily push recorded only
 * while it exists, deleted, and never seen by another tenant.
 */
public abstract class CrmConnectorsContract {
  protected abstract CrmConnectors connectors();

  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private final String tenant = "ten_contract_" + System.nanoTime();
  private final String secret = WebhookSecrets.newSecret();

  private CrmConnector connector(String url, LocalDate day, Instant updatedAt) {
    return new CrmConnector(tenant, url, secret, day, T0, updatedAt);
  }

  @Test
  void aConnectorIsReadBackAsWrittenAndReplacedWhole() {
    CrmConnector written = connector("https://crm.example.com/kaiten", null, T0);
    connectors().put(written);
    assertThat(connectors().find(tenant)).contains(written);

    CrmConnector replaced =
        connector("https://crm.example.com/v2", LocalDate.parse("2026-11-25"), T0.plusSeconds(60));
    connectors().put(replaced);
    assertThat(connectors().find(tenant)).contains(replaced);
  }

  @Test
  void theDailyPushIsRecordedOnTheConnectorOnlyWhileItExists() {
    connectors().put(connector("https://crm.example.com/kaiten", null, T0));

    assertThat(connectors().markDailyPushed(tenant, LocalDate.parse("2026-11-26"))).isTrue();
    assertThat(connectors().find(tenant).orElseThrow().dailyPushedOn())
        .isEqualTo(LocalDate.parse("2026-11-26"));
    assertThat(connectors().find(tenant).orElseThrow().url())
        .isEqualTo("https://crm.example.com/kaiten");

    assertThat(connectors().delete(tenant)).isTrue();
    assertThat(connectors().markDailyPushed(tenant, LocalDate.parse("2026-11-27"))).isFalse();
    assertThat(connectors().find(tenant)).isEmpty();
  }

  @Test
  void anotherTenantSeesNoConnectorAndADeletedOneIsGone() {
    connectors().put(connector("https://crm.example.com/kaiten", null, T0));

    assertThat(connectors().find(tenant + "_other")).isEmpty();
    assertThat(connectors().delete(tenant + "_other")).isFalse();
    assertThat(connectors().markDailyPushed(tenant + "_other", LocalDate.parse("2026-11-26")))
        .isFalse();
    assertThat(connectors().find(tenant + "_other")).isEmpty();
    assertThat(connectors().delete(tenant)).isTrue();
    assertThat(connectors().find(tenant)).isEmpty();
    assertThat(connectors().delete(tenant)).isFalse();
  }
}
