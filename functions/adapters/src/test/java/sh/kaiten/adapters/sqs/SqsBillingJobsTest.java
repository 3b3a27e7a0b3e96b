package sh.kaiten.adapters.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.BillingSync;
import sh.kaiten.domain.billing.MeterCheck;
import sh.kaiten.domain.billing.MeterFormula;
import sh.kaiten.domain.billing.MeterMapping;
import sh.kaiten.domain.billing.MeterSummaryGateway;
import sh.kaiten.domain.billing.ReconciliationReport;
import sh.kaiten.domain.billing.StripeConnector;
import sh.kaiten.domain.billing.StripeConnectorAdministration;
import sh.kaiten.domain.billing.StripeReconciliation;
import sh.kaiten.domain.billing.TrailReplay;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryAuditLog;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryClosedPeriods;
import sh.kaiten.domain.memory.InMemoryReconciliationReports;
import sh.kaiten.domain.memory.InMemoryReconciliationTallies;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.outbox.ChangeRecords;

/** billing-sync's jobs as messages: read back as they were written, and within SQS's limit. */
class SqsBillingJobsTest {
  /** SQS's largest message body. */
  private static final int SQS_LIMIT = 256 * 1024;

  private static final String TENANT = "ten_1";
  private static final Instant DAY = Instant.parse("2026-12-03T00:00:00Z");
  private static final Instant NEXT_DAY = DAY.plus(Duration.ofDays(1));
  private static final String RUN = "daily:2026-12-03";

  @Test
  void aReconciliationStepIsReadBackAsItWasWritten() {
    BillingJob.Reconciliation job =
        new BillingJob.Reconciliation(
            TENANT,
            RUN,
            DAY,
            NEXT_DAY,
            NEXT_DAY.plus(Duration.ofHours(25)),
            new BillingJob.Progress(null, 51, 1000, 0, 0),
            new BillingJob.Reconciliation.Findings(
                3,
                7,
                "ten_1/customer/cus_42",
                99,
                2,
                List.of(
                    new ReconciliationReport.Difference(
                        "cus_1", "cus_S1", "api-calls", "api_calls", new BigDecimal("2500"), null),
                    new ReconciliationReport.Difference(
                        "cus_2",
                        "cus_S2",
                        "storage-gb",
                        "storage_mb",
                        new BigDecimal("0.5"),
                        BigDecimal.ZERO),
                    new ReconciliationReport.Difference(
                        "cus_3", "cus_S3", "seats", "seats", null, new BigDecimal("3"))),
                new MeterCheck(
                    null,
                    true,
                    List.of(
                        new MeterSummaryGateway.Meter("mtr_1", "api_calls", MeterFormula.SUM),
                        new MeterSummaryGateway.Meter("mtr_2", "logins", MeterFormula.LAST),
                        new MeterSummaryGateway.Meter("mtr_3", "odd", null)),
                    List.of(
                        new ReconciliationReport.MeterFinding(
                            "logins",
                            "logins",
                            "mtr_2",
                            MeterFormula.LAST,
                            List.of(MeterFormula.COUNT, MeterFormula.SUM)),
                        new ReconciliationReport.MeterFinding(
                            "storage-gb", "storage_mb", null, null, List.of(MeterFormula.SUM)))),
                "MjAyNi0xMi0wM1QxMjowMDowMC4wMDBaI3NlYXRzI2luc3RhbmNlOmE",
                false,
                2,
                List.of("seats of cus_1: its latest events in the window tie: not compared")));
    BillingJob.Reconciliation listing =
        job.finding(
            new BillingJob.Reconciliation.Findings(
                0,
                0,
                null,
                0,
                0,
                List.of(),
                new MeterCheck(
                    "mtr_9",
                    false,
                    List.of(new MeterSummaryGateway.Meter("mtr_1", "api_calls", MeterFormula.SUM)),
                    List.of()),
                null,
                true,
                0,
                List.of()));

    assertThat(SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(SqsBillingJobs.toJson(job))))
        .isEqualTo(job);
    assertThat(SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(SqsBillingJobs.toJson(listing))))
        .isEqualTo(listing);
  }

  /**
   * The most a step carries: 25 differences of the longest ids, 25 ties of them, and 100 mappings
   * of 100-character event names each found at Stripe and each unfit.
   */
  @Test
  void aStepWithAHundredUnfitMetersStaysWellUnderSqsLimit() {
    List<ReconciliationReport.Difference> differences = new ArrayList<>();
    for (int i = 0; i < StripeReconciliation.MAX_DIFFERENCES; i++) {
      differences.add(
          new ReconciliationReport.Difference(
              "cus_" + "c".repeat(120) + i,
              "cus_S" + "s".repeat(250) + i,
              "e".repeat(60) + i,
              "n".repeat(97) + i,
              new BigDecimal("123456789012345.123456"),
              new BigDecimal("123456789012345")));
    }
    List<String> tied = new ArrayList<>();
    for (int i = 0; i < StripeReconciliation.MAX_DIFFERENCES; i++) {
      tied.add(
          "e".repeat(60)
              + i
              + " of cus_"
              + "c".repeat(120)
              + i
              + ": its latest events in the window, at 2026-12-03T10:00:00Z, carry different"
              + " values, and Stripe keeps one of them without saying which: not compared");
    }
    List<MeterSummaryGateway.Meter> found = new ArrayList<>();
    List<ReconciliationReport.MeterFinding> unfit = new ArrayList<>();
    for (int i = 0; i < StripeConnectorAdministration.MAX_METERS; i++) {
      String eventName = "n".repeat(97) + String.format("%03d", i);
      found.add(
          new MeterSummaryGateway.Meter(
              "mtr_" + "m".repeat(24) + i, eventName, MeterFormula.COUNT));
      unfit.add(
          new ReconciliationReport.MeterFinding(
              "e".repeat(60) + i,
              eventName,
              "mtr_" + "m".repeat(24) + i,
              MeterFormula.COUNT,
              List.of(MeterFormula.SUM)));
    }
    BillingJob.Reconciliation job =
        new BillingJob.Reconciliation(
            TENANT,
            RUN,
            DAY,
            NEXT_DAY,
            NEXT_DAY.plus(Duration.ofHours(25)),
            new BillingJob.Progress(null, 51, 1000, 0, 0),
            new BillingJob.Reconciliation.Findings(
                3,
                7,
                "ten_1/customer/cus_" + "c".repeat(120),
                99,
                2,
                differences,
                new MeterCheck(null, true, found, unfit),
                "c".repeat(200),
                false,
                40,
                tied));

    String message = SqsBillingJobs.toJson(job);

    assertThat(SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(message))).isEqualTo(job);
    // about 71 KB: the ties' lines, each naming a customer id as long as Kaiten takes, add 9 KB
    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThan(SQS_LIMIT / 3);
  }

  /** Each of 1,000 customers (ids as long as Kaiten takes) has 3 meters: 3,000 pairs. */
  @Test
  void threeThousandCustomerMetersReconcileWhollyInMessagesWellUnderSqsLimit() {
    SettableClock clock = new SettableClock(NEXT_DAY.plus(Duration.ofHours(26)));
    InMemoryCatalog catalog = new InMemoryCatalog();
    InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();
    InMemoryAuditLog trail = new InMemoryAuditLog();
    InMemoryReconciliationReports reports = new InMemoryReconciliationReports();
    InMemoryReconciliationTallies tallies = new InMemoryReconciliationTallies();
    catalog.createTier(TENANT, new Tier("pro", "Pro", 1, Map.of(), DAY), ChangeRecords.NONE);
    connectors.put(
        new StripeConnector(
            TENANT,
            Map.of(
                "api-calls",
                new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM),
                "storage-gb",
                new MeterMapping(
                    "storage-gb", "storage_mb", new BigDecimal("1000"), Aggregation.SUM),
                "logins",
                new MeterMapping("logins", "logins", BigDecimal.ONE, Aggregation.COUNT)),
            "stripe_id",
            DAY,
            DAY));
    connectors.putStripeKey(TENANT, "rk_test_made_up");
    int customers = 1000;
    Map<String, BigDecimal> stripeCalls = new HashMap<>();
    for (int i = 0; i < customers; i++) {
      String customer = "cus_" + "c".repeat(120) + String.format("%04d", i);
      String stripeId = "cus_S" + "s".repeat(247) + String.format("%04d", i);
      catalog.createCustomer(
          TENANT,
          new Customer(customer, customer, Map.of("stripe_id", stripeId), DAY),
          ChangeRecords.NONE);
      catalog.createLicense(
          TENANT,
          new License(
              "lic_" + i,
              customer,
              "pro",
              LicenseStatus.ACTIVE,
              DAY,
              null,
              null,
              Map.of(),
              DAY,
              DAY),
          List.of(),
          ChangeRecords.NONE);
      catalog.createInstance(
          TENANT, new Instance("inst-" + i, "lic_" + i, null, null, DAY), ChangeRecords.NONE);
      int calls = i % 10 + 1;
      Instant at = DAY.plusSeconds(60L + i);
      trail.append(
          List.of(
              new AuditRecord(
                  Ids.newId(AuditRecord.ID_PREFIX, at),
                  TENANT,
                  at,
                  "tok_1",
                  ReportedUsage.TYPE,
                  "inst-" + i,
                  List.of("api-calls"),
                  "{\"entitlement_slug\":\"api-calls\",\"value\":" + calls + "}",
                  "{\"status\":\"ACCEPTED\",\"replayed\":false}",
                  "req_1",
                  clock.instant().plus(Duration.ofDays(90)),
                  "hash")));
      // Stripe lost one call of every 25th customer: 40 differences.
      stripeCalls.put(stripeId, BigDecimal.valueOf(i % 25 == 0 ? calls - 1 : calls));
    }
    MeterSummaryGateway stripe =
        new MeterSummaryGateway() {
          @Override
          public MeterPage activeMeters(String startingAfter) {
            return new MeterPage(
                List.of(
                    new Meter("mtr_calls", "api_calls", MeterFormula.SUM),
                    new Meter("mtr_storage", "storage_mb", MeterFormula.SUM),
                    new Meter("mtr_logins", "logins", MeterFormula.COUNT)),
                null);
          }

          @Override
          public Optional<BigDecimal> aggregatedValue(
              String meterId, String customer, Instant start, Instant end) {
            return meterId.equals("mtr_calls")
                ? Optional.of(stripeCalls.get(customer))
                : Optional.empty();
          }
        };
    Deque<String> queue = new ArrayDeque<>();
    BillingSync sync =
        new BillingSync(connectors, tenant -> Optional.empty(), catalog, catalog, catalog);
    StripeReconciliation reconciliation =
        new StripeReconciliation(
            connectors,
            new TrailReplay(connectors, trail, catalog, sync, job -> {}),
            new InMemoryClosedPeriods(),
            catalog,
            catalog,
            catalog,
            tenant -> Optional.of(stripe),
            tallies,
            reports,
            job -> queue.add(SqsBillingJobs.toJson(job)),
            clock);

    queue.add(
        SqsBillingJobs.toJson(
            new BillingJob.Reconciliation(TENANT, RUN, DAY, NEXT_DAY, clock.instant())));
    int steps = 0;
    int largest = 0;
    while (!queue.isEmpty()) {
      String message = queue.poll();
      largest = Math.max(largest, message.getBytes(StandardCharsets.UTF_8).length);
      steps++;
      reconciliation.run(
          (BillingJob.Reconciliation) SqsBillingJobs.fromJson(SqsDeliveryQueue.parse(message)));
    }

    ReconciliationReport report = reports.latest(TENANT).orElseThrow();
    assertThat(report.reports()).isEqualTo(customers);
    assertThat(report.compared()).isEqualTo(3 * customers);
    assertThat(report.differenceCount()).isEqualTo(40);
    assertThat(report.differences()).hasSize(StripeReconciliation.MAX_DIFFERENCES);
    assertThat(reports.outbox.events).hasSize(StripeReconciliation.MAX_DIFFERENCES);
    assertThat(tallies.size()).isEqualTo(customers);
    // 50 pages of 20 audit records, then 33 customers (99 reads) a step, the first in the last
    // page's step: 50 + 30 steps.
    assertThat(steps).isEqualTo(80);
    // 25 differences of ids as long as Kaiten and Stripe's metadata take, and a cursor: 13,111
    // bytes measured, whatever the number of customers.
    assertThat(largest).isBetween(SQS_LIMIT / 32, SQS_LIMIT / 16);
  }
}
