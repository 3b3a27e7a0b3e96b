package sh.kaiten.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.sqs.SqsBillingJobs;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.ConnectorKeys;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.MeterIdentifiers;
import sh.kaiten.domain.billing.MeterMapping;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeConnector;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.billing.WindowValue;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.closing.ClosedPeriod;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.local.aws.StripeStandIn;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.QueueMessages;
import sh.kaiten.testing.SecretsManagerResource;

/**
 * billing-sync as Lambda runs it (the mock event server), on the embedded table, a local Secrets
 * Manager holding the tenant's key, and the Stripe stand-in: each report of a message reaches the
 * customer's meter once, a redelivered batch calls Stripe for nothing, and a Stripe outage fails
 * the message alone, to be sent once by its redelivery.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "BillingSyncFunction"))
@QuarkusTestResource(
    value = SecretsManagerResource.class,
    initArgs = @ResourceArg(name = "function", value = "BillingSyncFunction"))
@QuarkusTestResource(StripeStandInResource.class)
class BillingHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:BillingQueue";

  @Inject AdminStores stores;
  @Inject StripeConnectors connectors;
  @Inject ConnectorKeys keys;
  @Inject AuditLog trail;
  @Inject StripeActivity activity;
  @Inject ReconciliationReports reconciliations;
  @Inject ClosedPeriods closedPeriods;

  private ProductPage page;
  private String tenant;
  private String customer;
  private final String meter = "api_calls_" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void connect() {
    page = ProductPage.seed(stores);
    tenant = page.adminToken().tenantId();
    // The product page's customer carries crm_id A-1: the connector reads the Stripe id there.
    customer = "A-1";
    Instant now = Instant.now();
    connectors.put(
        new StripeConnector(
            tenant,
            Map.of(
                "api-calls", new MeterMapping("api-calls", meter, BigDecimal.ONE, Aggregation.SUM)),
            "crm_id",
            now,
            now));
    keys.putStripeKey(tenant, StripeStandInResource.KEY);
  }

  @AfterEach
  void noFaults() {
    stripe().faults(n -> StripeStandIn.Fault.NONE);
  }

  private static StripeStandIn stripe() {
    return StripeStandInResource.stripe;
  }

  private AcceptedUsage usage(String id, String... values) {
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    List<AcceptedReport> reports = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      reports.add(
          new AcceptedReport(tenant, id + "/" + i, "api-calls", new BigDecimal(values[i]), at));
    }
    return new AcceptedUsage(id, tenant, ProductPage.INSTANCE, reports);
  }

  @Test
  void eachReportReachesItsCustomersMeterOnceAndARedeliveredBatchCallsStripeForNothing() {
    AcceptedUsage first = usage("rec_a", "3", "4", "5");
    AcceptedUsage second = usage("rec_b", "10", "20");
    String event = event(first, second);

    assertThat(invoke(event).get("batchItemFailures")).isEmpty();
    assertThat(stripe().total(customer, meter)).isEqualTo(42);
    int calls = stripe().calls();

    assertThat(invoke(event).get("batchItemFailures")).isEmpty();
    assertThat(stripe().calls()).isEqualTo(calls);
    assertThat(stripe().total(customer, meter)).isEqualTo(42);
    assertThat(
            stripe().accepted().stream()
                .filter(accepted -> accepted.eventName().equals(meter))
                .map(StripeStandIn.Accepted::identifier))
        .containsExactlyInAnyOrder(
            MeterIdentifiers.ofReport(first.reports().get(0)),
            MeterIdentifiers.ofReport(first.reports().get(1)),
            MeterIdentifiers.ofReport(first.reports().get(2)),
            MeterIdentifiers.ofReport(second.reports().get(0)),
            MeterIdentifiers.ofReport(second.reports().get(1)));
  }

  @Test
  void anOutageFailsTheMessageAloneAndItsRedeliverySendsEachReportOnce() {
    AcceptedUsage usage = usage("rec_c", "7", "8");
    stripe().faults(n -> StripeStandIn.Fault.SERVER_ERROR);

    JsonNode failed = invoke(event(usage));
    assertThat(failed.get("batchItemFailures")).hasSize(1);
    assertThat(failed.get("batchItemFailures").get(0).get("itemIdentifier").asText())
        .isEqualTo("msg-0");
    assertThat(stripe().total(customer, meter)).isZero();
    // The connector's status: the failed message counted, its reason and its newest report.
    Instant reported = usage.reports().get(0).reportedAt();
    StripeActivity.Activity afterOutage = activity.find(tenant).orElseThrow();
    assertThat(afterOutage.errors()).isEqualTo(1);
    assertThat(afterOutage.sent()).isZero();
    assertThat(afterOutage.lastSentAt()).isNull();
    assertThat(afterOutage.lastError())
        .startsWith("report rec_c/0: ")
        .contains("Stripe unavailable");
    assertThat(afterOutage.lastReportSeenAt()).isEqualTo(reported);

    stripe().faults(n -> StripeStandIn.Fault.NONE);
    assertThat(invoke(event(usage)).get("batchItemFailures")).isEmpty();
    assertThat(stripe().total(customer, meter)).isEqualTo(15);
    assertThat(stripe().acceptedMoreThanOnce()).isEmpty();
    StripeActivity.Activity afterRecovery = activity.find(tenant).orElseThrow();
    assertThat(afterRecovery.sent()).isEqualTo(2);
    assertThat(afterRecovery.errors()).isEqualTo(1);
    assertThat(afterRecovery.lastSentAt()).isNotNull();
    assertThat(afterRecovery.lastReportSentAt()).isEqualTo(reported);
  }

  @Test
  void aTenantWithoutAConnectorIsDoneWithoutACall() {
    connectors.delete(tenant);
    int calls = stripe().calls();

    assertThat(invoke(event(usage("rec_d", "1"))).get("batchItemFailures")).isEmpty();
    assertThat(stripe().calls()).isEqualTo(calls);
  }

  /**
   * A closed period's flush sends, from the audit trail, each counted report live sync had not
   * sent, a page of records a run: the rest of the job goes back onto the billing queue.
   */
  @Test
  void aPeriodsFlushSendsFromTheTrailWhatLiveSyncHadNotSentAndGoesOnThroughTheQueue() {
    Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant start = end.minus(Duration.ofHours(2));
    List<AuditRecord> records = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      records.add(reported(start.plusSeconds(60L * i), i + 1));
    }
    AuditRecord first = records.get(0);
    AcceptedUsage live =
        new AcceptedUsage(
            first.id(),
            tenant,
            ProductPage.INSTANCE,
            List.of(
                new AcceptedReport(
                    tenant, first.id() + "/0", "api-calls", BigDecimal.ONE, first.at())));
    assertThat(invoke(event(SqsUsageStream.toJson(live))).get("batchItemFailures")).isEmpty();

    BillingJob flush =
        new BillingJob.PeriodFlush(
            tenant,
            CounterKey.instanceHolder(ProductPage.INSTANCE),
            "api-calls",
            start,
            end,
            BigDecimal.ZERO,
            end,
            BillingJob.Progress.START);
    assertThat(invoke(event(SqsBillingJobs.toJson(flush))).get("batchItemFailures")).isEmpty();
    List<String> rest = QueueMessages.take("BillingQueue", tenant);
    assertThat(rest).hasSize(1);
    assertThat(invoke(event(rest.get(0))).get("batchItemFailures")).isEmpty();

    assertThat(QueueMessages.take("BillingQueue", tenant)).isEmpty();
    assertThat(stripe().total(customer, meter)).isEqualTo(21 * 22 / 2);
    assertThat(stripe().acceptedMoreThanOnce()).isEmpty();
  }

  /**
   * The tenant's connector maps only the MAX entitlement peak-gb, to a meter of its own: its name.
   */
  private String connectPeak(BigDecimal scale) {
    String peak = "peak_" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now();
    connectors.put(
        new StripeConnector(
            tenant,
            Map.of("peak-gb", new MeterMapping("peak-gb", peak, scale, Aggregation.MAX)),
            "crm_id",
            now,
            now));
    return peak;
  }

  /**
   * A MAX meter live: three writes of 5, 9 and 3, in one batch, each carrying the maximum it left;
   * only the latest is sent, so Stripe's {@code last} holds 9, and the batch delivered again calls
   * Stripe for nothing.
   */
  @Test
  void aMaxMetersReportsGoLiveAsTheRunningMaximumAndStripesLastIsNine() {
    String peak = connectPeak(BigDecimal.ONE);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant start = now.truncatedTo(ChronoUnit.DAYS);
    Instant end = start.plus(Duration.ofDays(1));
    String[][] writes = {{"5", "5"}, {"9", "9"}, {"3", "9"}};
    List<AcceptedUsage> messages = new ArrayList<>();
    for (int i = 0; i < writes.length; i++) {
      Instant counted = now.minusSeconds(60 - i);
      String id = "rec_peak_" + i;
      messages.add(
          new AcceptedUsage(
              id,
              tenant,
              ProductPage.INSTANCE,
              List.of(
                  new AcceptedReport(
                      tenant,
                      id + "/0",
                      "peak-gb",
                      new BigDecimal(writes[i][0]),
                      counted,
                      new AcceptedReport.Standing(new BigDecimal(writes[i][1]), start, end))),
              counted));
    }
    String event = event(messages.toArray(AcceptedUsage[]::new));

    assertThat(invoke(event).get("batchItemFailures")).isEmpty();
    int calls = stripe().calls();
    assertThat(invoke(event).get("batchItemFailures")).isEmpty();

    assertThat(stripe().calls()).isEqualTo(calls);
    assertThat(stripe().last(customer, peak)).isEqualTo(9L);
    // One call for the batch: the latest value of the counter, the third write's.
    assertThat(stripe().accepted().stream().filter(accepted -> accepted.eventName().equals(peak)))
        .singleElement()
        .satisfies(
            accepted -> {
              assertThat(accepted.value()).isEqualTo(9L);
              assertThat(accepted.identifier())
                  .isEqualTo(MeterIdentifiers.ofReport(messages.get(2).reports().get(0)));
            });
  }

  /**
   * A MAX counter's close sends its period's total once to its {@code last} meter, stamped a second
   * before the period ends; the close delivered again calls Stripe for nothing.
   */
  @Test
  void aMaxPeriodsCloseSendsItsTotalOnceToItsLastMeter() {
    String peak = connectPeak(BigDecimal.TEN);
    Instant now = Instant.now();
    Instant end = now.truncatedTo(ChronoUnit.HOURS);
    BillingJob close =
        new BillingJob.PeriodFlush(
            tenant,
            CounterKey.instanceHolder(ProductPage.INSTANCE),
            "peak-gb",
            end.minus(Duration.ofDays(1)),
            end,
            new BigDecimal("4.2"),
            now,
            BillingJob.Progress.START);

    assertThat(invoke(event(SqsBillingJobs.toJson(close))).get("batchItemFailures")).isEmpty();
    int calls = stripe().calls();
    assertThat(invoke(event(SqsBillingJobs.toJson(close))).get("batchItemFailures")).isEmpty();

    assertThat(stripe().calls()).isEqualTo(calls);
    assertThat(stripe().accepted().stream().filter(accepted -> accepted.eventName().equals(peak)))
        .singleElement()
        .satisfies(
            accepted -> {
              assertThat(accepted.customer()).isEqualTo(customer);
              assertThat(accepted.value()).isEqualTo(42);
              assertThat(accepted.timestamp()).isEqualTo(end.minusSeconds(1));
            });
  }

  /** A backfill sends the range's counted reports, whichever instance reported them. */
  @Test
  void aBackfillSendsTheCountedReportsOfItsRange() {
    Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant from = to.minus(Duration.ofHours(1));
    reported(from.minusSeconds(30), 100); // before the range
    reported(from.plusSeconds(30), 7);
    reported(from.plusSeconds(90), 8);

    BillingJob backfill = new BillingJob.Backfill(tenant, from, to, BillingJob.Progress.START);
    assertThat(invoke(event(SqsBillingJobs.toJson(backfill))).get("batchItemFailures")).isEmpty();
    assertThat(stripe().total(customer, meter)).isEqualTo(15);
  }

  /**
   * A reconciliation reads the window's counted reports from the trail and Stripe's summary of each
   * customer's meter: equal after the backfill sent them, one difference (recorded once, with its
   * event) once Stripe has lost an event.
   */
  @Test
  void aReconciliationComparesTheWindowWithStripesSummariesAndRecordsEachRunOnce() {
    stripe().meter(meter, "sum");
    Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant from = to.minus(Duration.ofHours(1));
    reported(from.plusSeconds(30), 7);
    AuditRecord lost = reported(from.plusSeconds(90), 8);
    BillingJob backfill = new BillingJob.Backfill(tenant, from, to, BillingJob.Progress.START);
    assertThat(invoke(event(SqsBillingJobs.toJson(backfill))).get("batchItemFailures")).isEmpty();

    BillingJob.Reconciliation equal =
        new BillingJob.Reconciliation(tenant, "requested:rcn_equal", from, to, Instant.now());
    assertThat(invoke(event(SqsBillingJobs.toJson(equal))).get("batchItemFailures")).isEmpty();
    ReconciliationReport first = reconciliations.latest(tenant).orElseThrow();
    assertThat(first.runId()).isEqualTo("requested:rcn_equal");
    assertThat(first.reports()).isEqualTo(2);
    assertThat(first.compared()).isEqualTo(1);
    assertThat(first.differences()).isEmpty();

    assertThat(
            stripe()
                .forget(
                    MeterIdentifiers.ofReport(
                        new AcceptedReport(
                            tenant, lost.id() + "/0", "api-calls", BigDecimal.ONE, lost.at()))))
        .isTrue();
    BillingJob.Reconciliation differing =
        new BillingJob.Reconciliation(tenant, "requested:rcn_lost", from, to, Instant.now());
    assertThat(invoke(event(SqsBillingJobs.toJson(differing))).get("batchItemFailures")).isEmpty();
    assertThat(invoke(event(SqsBillingJobs.toJson(differing))).get("batchItemFailures")).isEmpty();
    ReconciliationReport second = reconciliations.latest(tenant).orElseThrow();
    assertThat(second.differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                stores.licenses().findLicense(tenant, page.licenseId()).orElseThrow().customerId(),
                customer,
                "api-calls",
                meter,
                BigDecimal.valueOf(15),
                BigDecimal.valueOf(7)));
  }

  /**
   * The SUM entitlement's meter at Stripe counts events (read through stripe-java from the
   * stand-in's meter list): the run names it, and compares none of its pairs; then a meter of no
   * such event name is named too.
   */
  @Test
  void aReconciliationNamesAMeterWhoseFormulaDoesNotFitAndOneStripeDoesNotHave() {
    String meterId = stripe().meter(meter, "count");
    Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant from = to.minus(Duration.ofHours(1));
    reported(from.plusSeconds(30), 7);
    reported(from.plusSeconds(90), 8);
    BillingJob backfill = new BillingJob.Backfill(tenant, from, to, BillingJob.Progress.START);
    assertThat(invoke(event(SqsBillingJobs.toJson(backfill))).get("batchItemFailures")).isEmpty();

    BillingJob.Reconciliation counted =
        new BillingJob.Reconciliation(tenant, "requested:rcn_count", from, to, Instant.now());
    assertThat(invoke(event(SqsBillingJobs.toJson(counted))).get("batchItemFailures")).isEmpty();
    ReconciliationReport report = reconciliations.latest(tenant).orElseThrow();
    assertThat(report.reports()).isEqualTo(2);
    assertThat(report.compared()).isZero();
    assertThat(report.differenceCount()).isZero();
    assertThat(report.meterFindings())
        .containsExactly(
            new ReconciliationReport.MeterFinding(
                "api-calls", meter, meterId, MeterFormula.COUNT, List.of(MeterFormula.SUM)));

    String other = "gone_" + UUID.randomUUID().toString().substring(0, 8);
    connectors.put(
        new StripeConnector(
            tenant,
            Map.of(
                "api-calls", new MeterMapping("api-calls", other, BigDecimal.ONE, Aggregation.SUM)),
            "crm_id",
            from,
            from));
    BillingJob.Reconciliation missing =
        new BillingJob.Reconciliation(tenant, "requested:rcn_gone", from, to, Instant.now());
    assertThat(invoke(event(SqsBillingJobs.toJson(missing))).get("batchItemFailures")).isEmpty();
    assertThat(reconciliations.latest(tenant).orElseThrow().meterFindings())
        .containsExactly(
            new ReconciliationReport.MeterFinding(
                "api-calls", other, null, null, List.of(MeterFormula.SUM)));
  }

  /**
   * A MAX entitlement on a {@code last} meter: live sync (here a backfill) sent 5, then the period,
   * ending with the window, closed at 7 and its flush sent 7 a second before its end. The
   * reconciliation reads the closed period (kept by the scheduler's closing) and the trail: the
   * close's 7 is the latest event on both sides. Once Stripe loses the close, Stripe's latest is
   * the live 5: a difference of 7 against 5.
   */
  @Test
  void aReconciliationComparesALastMeterWithTheLatestEventAClosedPeriodIncluded() {
    String peakMeter = "peak_" + UUID.randomUUID().toString().substring(0, 8);
    stripe().meter(meter, "sum");
    stripe().meter(peakMeter, "last");
    Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant from = to.minus(Duration.ofHours(1));
    connectors.put(
        new StripeConnector(
            tenant,
            Map.of(
                "api-calls",
                new MeterMapping("api-calls", meter, BigDecimal.ONE, Aggregation.SUM),
                "peak",
                new MeterMapping("peak", peakMeter, BigDecimal.ONE, Aggregation.MAX)),
            "crm_id",
            from,
            from));
    valueReported(from.plusSeconds(30), "peak", 5, 5, from, to);
    valueReported(from.plusSeconds(90), "peak", 3, 5, from, to);
    BillingJob backfill = new BillingJob.Backfill(tenant, from, to, BillingJob.Progress.START);
    assertThat(invoke(event(SqsBillingJobs.toJson(backfill))).get("batchItemFailures")).isEmpty();
    String holder = "instance:" + ProductPage.INSTANCE;
    closedPeriods.record(
        new ClosedPeriod(tenant, holder, "peak", Aggregation.MAX, from, to, BigDecimal.valueOf(7)));
    BillingJob flush =
        new BillingJob.PeriodFlush(
            tenant,
            holder,
            "peak",
            from,
            to,
            BigDecimal.valueOf(7),
            Instant.now(),
            BillingJob.Progress.START);
    assertThat(invoke(event(SqsBillingJobs.toJson(flush))).get("batchItemFailures")).isEmpty();
    assertThat(stripe().last(customer, peakMeter)).isEqualTo(7L);

    BillingJob.Reconciliation equal =
        new BillingJob.Reconciliation(tenant, "requested:rcn_peak", from, to, Instant.now());
    assertThat(invoke(event(SqsBillingJobs.toJson(equal))).get("batchItemFailures")).isEmpty();
    ReconciliationReport first = reconciliations.latest(tenant).orElseThrow();
    assertThat(first.runId()).isEqualTo("requested:rcn_peak");
    assertThat(first.compared()).isEqualTo(2);
    assertThat(first.differences()).isEmpty();
    assertThat(first.notCompared()).isEmpty();

    assertThat(
            stripe()
                .forget(
                    MeterIdentifiers.ofWindow(
                        new WindowValue(tenant, holder, "peak", from, to, BigDecimal.valueOf(7)))))
        .isTrue();
    BillingJob.Reconciliation differing =
        new BillingJob.Reconciliation(tenant, "requested:rcn_peak_lost", from, to, Instant.now());
    assertThat(invoke(event(SqsBillingJobs.toJson(differing))).get("batchItemFailures")).isEmpty();
    assertThat(reconciliations.latest(tenant).orElseThrow().differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                stores.licenses().findLicense(tenant, page.licenseId()).orElseThrow().customerId(),
                customer,
                "peak",
                peakMeter,
                BigDecimal.valueOf(7),
                BigDecimal.valueOf(5)));
  }

  /**
   * A counted MAX, MIN, AVERAGE or LATEST report's audit record, as usage-api writes it: with its
   * counter's period and the value it left the counter at.
   */
  private void valueReported(
      Instant at, String entitlement, int value, int periodValue, Instant start, Instant end) {
    trail.append(
        List.of(
            new AuditRecord(
                Ids.newId(AuditRecord.ID_PREFIX, at),
                tenant,
                at,
                "tok_test",
                ReportedUsage.TYPE,
                ProductPage.INSTANCE,
                List.of(entitlement),
                "{\"entitlement_slug\":\"" + entitlement + "\",\"value\":" + value + "}",
                "{\"status\":\"ACCEPTED\",\"current_usage\":"
                    + periodValue
                    + ",\"period_start\":\""
                    + start
                    + "\",\"period_end\":\""
                    + end
                    + "\"}",
                "req_test",
                Instant.now().plus(Duration.ofDays(90)),
                "hash")));
  }

  /** A counted single report's audit record, as usage-api writes it. */
  private AuditRecord reported(Instant at, int value) {
    AuditRecord record =
        new AuditRecord(
            Ids.newId(AuditRecord.ID_PREFIX, at),
            tenant,
            at,
            "tok_test",
            ReportedUsage.TYPE,
            ProductPage.INSTANCE,
            List.of("api-calls"),
            "{\"entitlement_slug\":\"api-calls\",\"value\":" + value + "}",
            "{\"status\":\"ACCEPTED\"}",
            "req_test",
            Instant.now().plus(Duration.ofDays(90)),
            "hash");
    trail.append(List.of(record));
    return record;
  }

  private static String event(AcceptedUsage... messages) {
    String[] bodies = new String[messages.length];
    for (int i = 0; i < messages.length; i++) {
      bodies[i] = SqsUsageStream.toJson(messages[i]);
    }
    return event(bodies);
  }

  private static String event(String... messages) {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode records = event.putArray("Records");
    for (int i = 0; i < messages.length; i++) {
      ObjectNode record = records.addObject();
      record.put("messageId", "msg-" + i);
      record.put("receiptHandle", "handle-" + i);
      record.put("body", messages[i]);
      record.putObject("attributes").put("ApproximateReceiveCount", "1");
      record.putObject("messageAttributes");
      record.put("eventSource", "aws:sqs");
      record.put("eventSourceARN", QUEUE);
      record.put("awsRegion", "us-east-1");
    }
    return event.toString();
  }

  private static JsonNode invoke(String event) {
    String answer =
        given().body(event).when().post("/_lambda_").then().statusCode(200).extract().asString();
    try {
      return JSON.readTree(answer);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + answer, e);
    }
  }
}
