package sh.kaiten.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.crm.CrmConnector;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.testing.CrmPushes;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * The schedule's tick makes each CRM connector's daily push once a UTC day: one push per customer
 * holding a license, stored with its ticket for the webhook dispatcher, with the figures the
 * entitlement answers give; the next tick of the same day pushes nothing, the next day's does.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class CrmDailyPushTest {
  @Inject AdminStores catalog;
  @Inject CrmConnectors connectors;
  @Inject WebhookStore deliveries;
  @Inject UsageCounters counters;
  @Inject InstanceReads reads;
  @Inject Definitions definitions;
  @Inject TestClock clock;

  @AfterEach
  void systemTime() {
    clock.reset();
  }

  @Test
  void eachCustomerIsPushedOnceADayWithTheEntitlementAnswers() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    String customer =
        catalog.licenses().findLicense(tenant, page.licenseId()).orElseThrow().customerId();
    CrmPushes.count(counters, tenant, ProductPage.INSTANCE, "api-calls", "4321");
    Instant now = Instant.now();
    connectors.put(
        new CrmConnector(
            tenant, "https://203.0.113.10/crm", WebhookSecrets.newSecret(), null, now, now));

    assertThat(Ticks.of(tenant, Ticks.tick(), "pushed")).containsExactly(tenant + " " + customer);
    assertThat(Ticks.of(tenant, Ticks.tick(), "pushed")).isEmpty();
    LocalDate today = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
    assertThat(connectors.find(tenant).orElseThrow().dailyPushedOn()).isEqualTo(today);

    List<Delivery> pushes = pushes(tenant);
    assertThat(pushes).hasSize(1);
    Delivery push = pushes.get(0);
    assertThat(push.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(push.enqueued()).isTrue();
    assertThat(push.eventType()).isEqualTo("crm.usage_properties");
    JsonNode body = CrmPushes.parse(push.payload());
    assertThat(body.path("data").path("trigger").asText()).isEqualTo("daily");
    assertThat(body.path("data").path("customer").path("id").asText()).isEqualTo(customer);
    assertThat(body.path("data").path("properties").path("kaiten_api_calls_usage").decimalValue())
        .isEqualByComparingTo("4321");
    assertThat(
            body.path("data").path("properties").path("kaiten_api_calls_remaining").decimalValue())
        .isEqualByComparingTo("95679");
    assertThat(CrmPushes.rows(body))
        .hasSize(2)
        .containsExactlyInAnyOrderElementsOf(
            CrmPushes.answers(page, catalog, definitions, reads, counters));

    // The next UTC day: one more push.
    clock.set(
        today.plusDays(1).atStartOfDay(ZoneOffset.UTC).plus(Duration.ofMinutes(1)).toInstant());
    assertThat(Ticks.of(tenant, Ticks.tick(), "pushed")).containsExactly(tenant + " " + customer);
    assertThat(pushes(tenant)).hasSize(2);
  }

  @Test
  void aTenantWithoutAConnectorIsNotPushed() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();

    assertThat(Ticks.of(tenant, Ticks.tick(), "pushed")).isEmpty();
    assertThat(pushes(tenant)).isEmpty();
  }

  private List<Delivery> pushes(String tenant) {
    return deliveries
        .deliveries(tenant, CrmConnector.ENDPOINT_ID, PageRequest.of(null, 10))
        .items();
  }
}
