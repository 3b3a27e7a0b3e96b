package sh.kaiten.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.sqs.SqsBillingJobs;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.MeterMapping;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.StripeConnector;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.QueueMessages;

/**
 * The schedule's tick queues each Stripe connector's reconciliation of the latest settled UTC day
 * on the billing queue, once: December 3 is settled at December 5, 01:00 (its end, usage-api's 24
 * hour late window, an hour's margin).
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class StripeReconciliationTickTest {
  private static final Instant SETTLED = Instant.parse("2026-12-05T01:00:00Z");

  @Inject AdminStores catalog;
  @Inject StripeConnectors connectors;
  @Inject ReconciliationReports reports;
  @Inject TestClock clock;

  @AfterEach
  void systemTime() {
    clock.reset();
  }

  private String tenantWithAConnector() {
    String tenant = ProductPage.seed(catalog).adminToken().tenantId();
    connectors.put(
        new StripeConnector(
            tenant,
            Map.of(
                "api-calls",
                new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM)),
            "crm_id",
            SETTLED,
            SETTLED));
    return tenant;
  }

  @Test
  void theLatestSettledDayIsQueuedOncePerConnector() {
    String tenant = tenantWithAConnector();
    clock.set(SETTLED);

    assertThat(Ticks.of(tenant, Ticks.tick(), "reconciling"))
        .containsExactly(tenant + " 2026-12-03");
    assertThat(Ticks.of(tenant, Ticks.tick(), "reconciling")).isEmpty();

    assertThat(reports.dailyQueued(tenant)).contains(LocalDate.parse("2026-12-03"));
    List<String> queued = QueueMessages.take("BillingQueue", tenant);
    assertThat(queued).hasSize(1);
    assertThat(SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(queued.get(0))))
        .isEqualTo(
            new BillingJob.Reconciliation(
                tenant,
                "daily:2026-12-03",
                Instant.parse("2026-12-03T00:00:00Z"),
                Instant.parse("2026-12-04T00:00:00Z"),
                SETTLED));
  }

  /** A tick after the scheduler was down queues each day missed since the last one, once. */
  @Test
  void theDaysMissedWhileDownAreEachQueuedOnce() {
    String tenant = tenantWithAConnector();
    reports.markDailyQueued(tenant, LocalDate.parse("2026-11-30"));
    clock.set(SETTLED);

    assertThat(Ticks.of(tenant, Ticks.tick(), "reconciling"))
        .containsExactly(tenant + " 2026-12-01", tenant + " 2026-12-02", tenant + " 2026-12-03");
    assertThat(Ticks.of(tenant, Ticks.tick(), "reconciling")).isEmpty();

    assertThat(QueueMessages.take("BillingQueue", tenant))
        .extracting(
            message ->
                ((BillingJob.Reconciliation)
                        SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(message)))
                    .runId())
        .containsExactlyInAnyOrder("daily:2026-12-01", "daily:2026-12-02", "daily:2026-12-03");
    assertThat(reports.dailyQueued(tenant)).contains(LocalDate.parse("2026-12-03"));
  }
}
