package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 19: what each write counted goes on the billing stream in the write's own transaction (an
 * outbox item the Outbox table's stream hands to the billing queue), named by the write's audit
 * record, so each counted report is there exactly once; a replay and a refused report are not.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class BillingStreamTest {
  @Inject AdminStores catalog;
  @Inject AuditLog audit;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  private void report(String body, String status) {
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then()
        .statusCode(200)
        .body("status", equalTo(status));
  }

  @Test
  void eachCountedReportIsOnTheBillingStreamOnceAndReplaysAndRefusalsAreNot() {
    String single =
        "{\"entitlement_slug\":\"api-calls\",\"value\":5,\"idempotency_key\":\"k-1\","
            + "\"timestamp\":\"%s\"}";
    Instant at = Instant.now().minusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    report(single.formatted(at), "ACCEPTED");
    report(single.formatted(at), "ACCEPTED"); // a replay: counted once
    report("{\"entitlement_slug\":\"api-calls\",\"value\":100001}", "REJECTED");
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType(ContentType.JSON)
        .body(
            "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":1},"
                + "{\"entitlement_slug\":\"api-calls\",\"value\":2.5},"
                + "{\"entitlement_slug\":\"api-calls\",\"value\":3}]}")
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE)
        .then()
        .statusCode(200);

    assertThat(OutboxStream.publish()).isTrue();
    List<AcceptedUsage> stream = billingStream(page.adminToken().tenantId());

    assertThat(stream).hasSize(2);
    AcceptedUsage first = stream.get(0);
    AcceptedUsage batch = stream.get(1);
    assertThat(first.instanceId()).isEqualTo(ProductPage.INSTANCE);
    assertThat(first.reports())
        .containsExactly(
            new AcceptedReport(
                page.adminToken().tenantId(),
                first.id() + "/0",
                "api-calls",
                new BigDecimal("5"),
                at));
    assertThat(batch.id()).isNotEqualTo(first.id());
    assertThat(batch.reports())
        .extracting(AcceptedReport::reportId)
        .containsExactly(batch.id() + "/0", batch.id() + "/1", batch.id() + "/2");
    assertThat(batch.reports())
        .extracting(AcceptedReport::value)
        .containsExactly(new BigDecimal("1"), new BigDecimal("2.5"), new BigDecimal("3"));
  }

  @Test
  void aMaxReportCarriesTheValueItLeftItsCounterAtAndItsPeriodAsItsRecordKeepsThem() {
    // Granted to the product page's license, beyond the values reported.
    page.grant(
        new Entitlement(
            "peak-seats",
            "Peak seats",
            EntitlementType.NUMERIC,
            new Metering(Aggregation.MAX, null, null, null, Enforcement.SOFT, null, null, null),
            null,
            null),
        JsonNodeFactory.instance.numberNode(1000));
    String periodEnd =
        given()
            .header("Authorization", "Bearer " + page.instanceSecret())
            .contentType(ContentType.JSON)
            .body(
                "{\"events\":[{\"entitlement_slug\":\"peak-seats\",\"value\":5},"
                    + "{\"entitlement_slug\":\"peak-seats\",\"value\":9},"
                    + "{\"entitlement_slug\":\"peak-seats\",\"value\":3}]}")
            .when()
            .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE)
            .then()
            .statusCode(200)
            .extract()
            .path("results[2].result.period_end");

    assertThat(OutboxStream.publish()).isTrue();
    List<AcceptedUsage> stream = billingStream(page.adminToken().tenantId());

    // A MAX report is written on its own: one message each, in the batch's order.
    assertThat(stream)
        .extracting(usage -> usage.reports().get(0).standing().periodValue())
        .containsExactlyInAnyOrder(new BigDecimal("5"), new BigDecimal("9"), new BigDecimal("9"));
    assertThat(stream)
        .extracting(usage -> usage.reports().get(0).standing().periodEnd())
        .containsOnly(Instant.parse(periodEnd));
    List<AuditRecord> records =
        audit
            .page(
                page.adminToken().tenantId(),
                new AuditFilter(ProductPage.INSTANCE, "peak-seats", ReportedUsage.TYPE, null, null),
                new PageRequest(null, 10))
            .items();
    assertThat(records).hasSize(3);
    for (AcceptedUsage usage : stream) {
      AuditRecord record =
          records.stream().filter(r -> r.id().equals(usage.id())).findFirst().orElseThrow();
      ReportedUsage kept = ReportedUsage.of(record).get(0);
      assertThat(usage.countedAt()).isEqualTo(record.at());
      assertThat(kept.currentUsage())
          .isEqualByComparingTo(usage.reports().get(0).standing().periodValue());
      assertThat(kept.periodStart()).isEqualTo(usage.reports().get(0).standing().periodStart());
      assertThat(kept.periodEnd()).isEqualTo(Instant.parse(periodEnd));
    }
  }

  /** The tenant's messages on the billing queue, taken off it in order. */
  private static List<AcceptedUsage> billingStream(String tenantId) {
    var aws = LocalAwsResource.localAws();
    String url = aws.resources().ref("BillingQueue");
    List<AcceptedUsage> found = new ArrayList<>();
    List<Message> batch;
    do {
      batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
      for (Message message : batch) {
        AcceptedUsage usage = SqsUsageStream.fromJson(SqsDeliveryQueue.parse(message.body()));
        if (usage.tenantId().equals(tenantId)) {
          found.add(usage);
        }
        aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return found;
  }
}
