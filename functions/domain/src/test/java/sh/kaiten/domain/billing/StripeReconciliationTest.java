package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.StripeReconciliation.Result;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryAuditLog;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryReconciliationReports;
import sh.kaiten.domain.memory.InMemoryReconciliationTallies;
import sh.kaiten.domain.memory.InMemorySentLedger;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Reconciliation with exact figures: the day's counted reports sent by live sync's own code to a
 * Stripe that keeps them and answers its summaries from them, then compared.
 */
class StripeReconciliationTest {
  private static final String TENANT = "ten_1";
  private static final Instant DAY = Instant.parse("2026-12-03T00:00:00Z");
  private static final Instant NEXT_DAY = DAY.plus(Duration.ofDays(1));
  private static final Instant QUEUED = NEXT_DAY.plus(Duration.ofHours(25));
  private static final String RUN = "daily:2026-12-03";

  private static final MeterMapping CALLS =
      new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM);
  private static final MeterMapping STORAGE =
      new MeterMapping("storage-gb", "storage_mb", new BigDecimal("1000"), Aggregation.SUM);
  private static final MeterMapping LOGINS =
      new MeterMapping("logins", "logins", BigDecimal.ONE, Aggregation.COUNT);
  private static final MeterMapping SEATS =
      new MeterMapping("seats", "seats", BigDecimal.ONE, Aggregation.MAX);

  /** Stripe as reconciliation sees it: keeps what it accepts, sums it by meter on request. */
  private static final class KeepingStripe implements MeterEventGateway, MeterSummaryGateway {
    final List<MeterEvent> events = new CopyOnWriteArrayList<>();

    /** The account's active meters, newest first. */
    final List<Meter> meters =
        new ArrayList<>(
            List.of(
                new Meter("mtr_calls", "api_calls", MeterFormula.SUM),
                new Meter("mtr_storage", "storage_mb", MeterFormula.SUM),
                new Meter("mtr_logins", "logins", MeterFormula.COUNT),
                new Meter("mtr_seats", "seats", MeterFormula.LAST)));

    /** How many meters a page of the list holds (Stripe's largest page is 100). */
    int meterPage = 100;

    final List<String> reads = new ArrayList<>();
    final List<String> meterReads = new ArrayList<>();
    RuntimeException failReads;

    @Override
    public Answer send(MeterEvent event) {
      events.add(event);
      return new Answer.Accepted();
    }

    @Override
    public MeterPage activeMeters(String startingAfter) {
      meterReads.add(String.valueOf(startingAfter));
      if (failReads != null) {
        throw failReads;
      }
      int from = 0;
      if (startingAfter != null) {
        from = meters.stream().map(Meter::id).toList().indexOf(startingAfter) + 1;
      }
      int to = Math.min(meters.size(), from + meterPage);
      List<Meter> page = List.copyOf(meters.subList(from, to));
      return new MeterPage(page, to < meters.size() ? page.get(page.size() - 1).id() : null);
    }

    /** Replaces the meter of {@code eventName} (or removes it, with a null formula). */
    void meter(String eventName, String id, MeterFormula formula) {
      meters.removeIf(meter -> meter.eventName().equals(eventName));
      if (formula != null) {
        meters.add(0, new Meter(id, eventName, formula));
      }
    }

    @Override
    public Optional<BigDecimal> aggregatedValue(
        String meterId, String customer, Instant start, Instant end) {
      reads.add(meterId + " " + customer + " " + start + " " + end);
      Meter meter = meters.stream().filter(m -> m.id().equals(meterId)).findFirst().orElseThrow();
      List<MeterEvent> matched =
          events.stream()
              .filter(e -> e.eventName().equals(meter.eventName()))
              .filter(e -> e.stripeCustomerId().equals(customer))
              .filter(e -> !e.timestamp().isBefore(start) && e.timestamp().isBefore(end))
              .toList();
      if (matched.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          meter.formula() == MeterFormula.COUNT
              ? BigDecimal.valueOf(matched.size())
              : BigDecimal.valueOf(matched.stream().mapToLong(MeterEvent::value).sum()));
    }
  }

  private final SettableClock clock = new SettableClock(QUEUED.plusSeconds(30));
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();
  private final InMemoryAuditLog trail = new InMemoryAuditLog();
  private final InMemoryReconciliationReports reports = new InMemoryReconciliationReports();
  private final InMemoryReconciliationTallies tallies = new InMemoryReconciliationTallies();
  private final KeepingStripe stripe = new KeepingStripe();
  private final List<BillingJob> queued = new ArrayList<>();
  private final BillingSync sync =
      new BillingSync(
          connectors,
          tenant ->
              connectors
                  .stripeKey(tenant)
                  .map(
                      key ->
                          new MeterEventDelivery(
                              stripe,
                              new InMemorySentLedger(),
                              clock,
                              clock::advance,
                              new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)),
                              3,
                              Duration.ofMinutes(1),
                              new Random(7))),
          catalog,
          catalog,
          catalog);
  private final TrailReplay replay = new TrailReplay(connectors, trail, catalog, sync, queued::add);
  private final StripeReconciliation reconciliation =
      new StripeReconciliation(
          connectors,
          replay,
          catalog,
          catalog,
          catalog,
          tenant -> connectors.stripeKey(tenant).map(key -> stripe),
          tallies,
          reports,
          queued::add,
          clock);

  @BeforeEach
  void catalog() {
    catalog.createTier(TENANT, new Tier("pro", "Pro", 1, Map.of(), DAY), ChangeRecords.NONE);
    customer("cus_acme", "cus_Stripe1", "lic_1", "acme-prod");
    customer("cus_beta", "cus_Stripe2", "lic_2", "beta-prod");
    connectors.put(
        new StripeConnector(
            TENANT,
            Map.of("api-calls", CALLS, "storage-gb", STORAGE, "logins", LOGINS, "seats", SEATS),
            "stripe_id",
            DAY,
            DAY));
    connectors.putStripeKey(TENANT, "rk_test_made_up");
  }

  private void customer(String id, String stripeId, String license, String instance) {
    catalog.createCustomer(
        TENANT,
        new Customer(id, id, stripeId == null ? Map.of() : Map.of("stripe_id", stripeId), DAY),
        ChangeRecords.NONE);
    catalog.createLicense(
        TENANT,
        new License(license, id, "pro", LicenseStatus.ACTIVE, DAY, null, null, Map.of(), DAY, DAY),
        List.of(),
        ChangeRecords.NONE);
    catalog.createInstance(
        TENANT, new Instance(instance, license, null, null, DAY), ChangeRecords.NONE);
  }

  /** A counted report's audit record, as usage-api writes it, timed and recorded at {@code at}. */
  private void counted(String instance, Instant at, String entitlement, String value) {
    trail.append(
        List.of(
            ReportRecords.of(
                TENANT,
                instance,
                at,
                entitlement,
                "{\"entitlement_slug\":\"" + entitlement + "\",\"value\":" + value + "}",
                "{\"status\":\"ACCEPTED\",\"replayed\":false}",
                clock.instant().plus(Duration.ofDays(90)))));
  }

  /** The day's usage: acme 3 + 4 calls, 2.5 GB, 2 logins; beta 10 calls; and a day after's. */
  private void usage() {
    counted("acme-prod", DAY.plusSeconds(10), "api-calls", "3");
    counted("acme-prod", NEXT_DAY.minusSeconds(1), "api-calls", "4");
    counted("acme-prod", DAY.plusSeconds(20), "storage-gb", "2.5");
    counted("acme-prod", DAY.plusSeconds(30), "logins", "1");
    counted("acme-prod", DAY.plusSeconds(40), "logins", "1");
    counted("acme-prod", DAY.plusSeconds(50), "seats", "12");
    counted("beta-prod", DAY.plusSeconds(60), "api-calls", "10");
    counted("beta-prod", NEXT_DAY, "api-calls", "1000"); // the next day's
  }

  /** Live sync, as a backfill of the day sends it: each counted report once. */
  private void liveSync() {
    TrailReplay.Result result =
        replay.run(new BillingJob.Backfill(TENANT, DAY, NEXT_DAY, BillingJob.Progress.START));
    while (result instanceof TrailReplay.Result.Continued continued) {
      result = replay.run(continued.next());
    }
    assertThat(result).isInstanceOf(TrailReplay.Result.Finished.class);
    queued.clear();
  }

  private BillingJob.Reconciliation job() {
    return new BillingJob.Reconciliation(TENANT, RUN, DAY, NEXT_DAY, QUEUED);
  }

  private ReconciliationReport finished(Result result) {
    assertThat(result).isInstanceOf(Result.Finished.class);
    return ((Result.Finished) result).report().orElseThrow();
  }

  /** Acme's 2.5 GB of the day, 2500 MB on Stripe's side, against {@code stripe}. */
  private static ReconciliationReport.Difference acmeStorage(BigDecimal stripe) {
    return new ReconciliationReport.Difference(
        "cus_acme", "cus_Stripe1", "storage-gb", "storage_mb", new BigDecimal("2500"), stripe);
  }

  private static final String SEATS_NOT_COMPARED =
      "seats: a last meter holds a value, not a day's usage: not compared";

  @Test
  void equalTotalsRecordARunWithoutDifferencesAndNoEvent() {
    usage();
    liveSync();

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report)
        .isEqualTo(
            new ReconciliationReport(
                TENANT,
                RUN,
                DAY,
                NEXT_DAY,
                clock.instant(),
                7,
                6,
                0,
                List.of(),
                List.of(SEATS_NOT_COMPARED),
                List.of()));
    assertThat(stripe.reads)
        .containsExactly(
            "mtr_calls cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_logins cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_storage cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_calls cus_Stripe2 " + DAY + " " + NEXT_DAY,
            "mtr_logins cus_Stripe2 " + DAY + " " + NEXT_DAY,
            "mtr_storage cus_Stripe2 " + DAY + " " + NEXT_DAY);
    assertThat(stripe.meterReads).containsExactly("null"); // one page holds the four meters
    assertThat(reports.latest(TENANT)).contains(report);
    assertThat(reports.outbox.events).isEmpty();
  }

  @Test
  void anEventMissingInStripeIsADifferenceNamingCustomerMeterAndBothValues() {
    usage();
    liveSync();
    stripe.events.removeIf(event -> event.value() == 4 && event.eventName().equals("api_calls"));

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.differenceCount()).isEqualTo(1);
    assertThat(report.differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                "cus_acme",
                "cus_Stripe1",
                "api-calls",
                "api_calls",
                new BigDecimal("7"),
                new BigDecimal("3")));
    assertThat(reports.outbox.events).hasSize(1);
    Event event = reports.outbox.events.get(0);
    assertThat(event.type()).isEqualTo(EventType.BILLING_RECONCILIATION_MISMATCH);
    assertThat(event.tenantId()).isEqualTo(TENANT);
    assertThat(event.data().toString())
        .isEqualTo(
            "{\"connector\":\"stripe\",\"run_id\":\"daily:2026-12-03\","
                + "\"window_start\":\"2026-12-03T00:00:00Z\",\"window_end\":\"2026-12-04T00:00:00Z\","
                + "\"customer_id\":\"cus_acme\",\"stripe_customer_id\":\"cus_Stripe1\","
                + "\"entitlement\":\"api-calls\",\"event_name\":\"api_calls\","
                + "\"kaiten_value\":7,\"stripe_value\":3,\"difference\":4}");
  }

  @Test
  void usageStripeHasAndKaitenDidNotCountIsADifferenceToo() {
    usage();
    liveSync();
    stripe.events.add(new MeterEvent("kr_stray", "logins", "cus_Stripe2", 1, DAY.plusSeconds(5)));
    stripe.events.add(
        new MeterEvent("kr_scaled", "storage_mb", "cus_Stripe1", 1, DAY.plusSeconds(5)));

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.differences())
        .containsExactly(
            acmeStorage(new BigDecimal("2501")),
            new ReconciliationReport.Difference(
                "cus_beta", "cus_Stripe2", "logins", "logins", BigDecimal.ZERO, BigDecimal.ONE));
    assertThat(reports.outbox.events)
        .extracting(e -> e.data().get("difference").asText())
        .containsExactly("-1", "-1");
  }

  @Test
  void aRedeliveredRunEmitsItsEventsOnce() {
    usage();
    liveSync();
    stripe.events.removeIf(event -> event.value() == 10);

    Result first = reconciliation.run(job());
    Result again = reconciliation.run(job());

    assertThat(finished(first).differenceCount()).isEqualTo(1);
    assertThat(again).isEqualTo(new Result.Finished(Optional.empty()));
    assertThat(reports.outbox.events).hasSize(1);
    assertThat(reports.outbox.events.get(0).data().get("customer_id").asText())
        .isEqualTo("cus_beta");
  }

  /** The summary reads of the day's SUM and COUNT pairs, but those of {@code meterIds}. */
  private static List<String> readsBut(String... meterIds) {
    List<String> reads = new ArrayList<>();
    for (String customer : List.of("cus_Stripe1", "cus_Stripe2")) {
      for (String meter : List.of("mtr_calls", "mtr_logins", "mtr_storage")) {
        if (!List.of(meterIds).contains(meter)) {
          reads.add(meter + " " + customer + " " + DAY + " " + NEXT_DAY);
        }
      }
    }
    return reads;
  }

  private static final String RUN_DATA =
      "\"connector\":\"stripe\",\"run_id\":\"daily:2026-12-03\","
          + "\"window_start\":\"2026-12-03T00:00:00Z\",\"window_end\":\"2026-12-04T00:00:00Z\"";

  /**
   * Storage (SUM) mapped to a {@code count} meter: Stripe bills acme 1 (one event), not 2500 MB.
   * Compared pair by pair that would be acme's difference of 2499; it is the meter's finding, and
   * storage's pairs are neither read nor compared. Seats (MAX) on a {@code sum} meter is one too.
   */
  @Test
  void aMeterOfAFormulaThatDoesNotFitIsNamedAndItsPairsAreNotDifferences() {
    usage();
    liveSync();
    stripe.meter("storage_mb", "mtr_storage_count", MeterFormula.COUNT);
    stripe.meter("seats", "mtr_seats_sum", MeterFormula.SUM);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report)
        .isEqualTo(
            new ReconciliationReport(
                TENANT,
                RUN,
                DAY,
                NEXT_DAY,
                clock.instant(),
                7,
                4,
                0,
                List.of(),
                List.of(SEATS_NOT_COMPARED),
                List.of(
                    new ReconciliationReport.MeterFinding(
                        "seats",
                        "seats",
                        "mtr_seats_sum",
                        MeterFormula.SUM,
                        List.of(MeterFormula.LAST)),
                    new ReconciliationReport.MeterFinding(
                        "storage-gb",
                        "storage_mb",
                        "mtr_storage_count",
                        MeterFormula.COUNT,
                        List.of(MeterFormula.SUM)))));
    assertThat(stripe.reads).containsExactlyElementsOf(readsBut("mtr_storage"));
    assertThat(stripe.meterReads).containsExactly("null");
    assertThat(reports.outbox.events).hasSize(1);
    Event event = reports.outbox.events.get(0);
    assertThat(event.type()).isEqualTo(EventType.BILLING_RECONCILIATION_METER_MISMATCH);
    assertThat(event.type().wireName()).isEqualTo("billing.reconciliation_meter_mismatch");
    assertThat(event.data().toString())
        .isEqualTo(
            "{"
                + RUN_DATA
                + ",\"meters\":["
                + "{\"entitlement\":\"seats\",\"event_name\":\"seats\","
                + "\"problem\":\"wrong_formula\",\"meter_id\":\"mtr_seats_sum\","
                + "\"formula\":\"sum\",\"formulas_needed\":[\"last\"]},"
                + "{\"entitlement\":\"storage-gb\",\"event_name\":\"storage_mb\","
                + "\"problem\":\"wrong_formula\",\"meter_id\":\"mtr_storage_count\","
                + "\"formula\":\"count\",\"formulas_needed\":[\"sum\"]}]}");
  }

  /** Its meter found unfit, a pair Stripe lacks usage of is still no difference. */
  @Test
  void anUnfitMetersPairsAreNotCountedEvenWhenTheyWouldDiffer() {
    usage();
    liveSync();
    stripe.meter("api_calls", "mtr_calls_last", MeterFormula.LAST);
    stripe.events.removeIf(event -> event.value() == 4 && event.eventName().equals("api_calls"));

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.compared()).isEqualTo(4);
    assertThat(report.differenceCount()).isZero();
    assertThat(report.differences()).isEmpty();
    assertThat(report.meterFindings())
        .containsExactly(
            new ReconciliationReport.MeterFinding(
                "api-calls",
                "api_calls",
                "mtr_calls_last",
                MeterFormula.LAST,
                List.of(MeterFormula.SUM)));
    assertThat(stripe.reads).containsExactlyElementsOf(readsBut("mtr_calls"));
    assertThat(reports.outbox.events)
        .extracting(Event::type)
        .containsExactly(EventType.BILLING_RECONCILIATION_METER_MISMATCH);
  }

  /**
   * A COUNT goes one event of value 1 a report, so a {@code sum} meter bills it as a {@code count}
   * one does: it fits, and its pairs are compared as before (acme's 2 logins against Stripe's sum
   * of 2).
   */
  @Test
  void aCountOnASumMeterFitsAndIsComparedAsBefore() {
    usage();
    liveSync();
    stripe.meter("logins", "mtr_logins", MeterFormula.SUM);
    stripe.events.removeIf(event -> event.value() == 10);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.meterFindings()).isEmpty();
    assertThat(report.compared()).isEqualTo(6);
    assertThat(report.differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                "cus_beta",
                "cus_Stripe2",
                "api-calls",
                "api_calls",
                BigDecimal.TEN,
                BigDecimal.ZERO));
    assertThat(stripe.reads).containsExactlyElementsOf(readsBut());
    assertThat(reports.outbox.events)
        .extracting(Event::type)
        .containsExactly(EventType.BILLING_RECONCILIATION_MISMATCH);
  }

  @Test
  void aMappedMeterStripeDoesNotHaveIsNamedAndItsPairsAreNotCompared() {
    usage();
    liveSync();
    stripe.meter("storage_mb", null, null);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.compared()).isEqualTo(4);
    assertThat(report.differenceCount()).isZero();
    assertThat(report.meterFindings())
        .containsExactly(
            new ReconciliationReport.MeterFinding(
                "storage-gb", "storage_mb", null, null, List.of(MeterFormula.SUM)));
    assertThat(stripe.reads).containsExactlyElementsOf(readsBut("mtr_storage"));
    assertThat(reports.outbox.events).hasSize(1);
    assertThat(reports.outbox.events.get(0).data().toString())
        .isEqualTo(
            "{"
                + RUN_DATA
                + ",\"meters\":[{\"entitlement\":\"storage-gb\",\"event_name\":\"storage_mb\","
                + "\"problem\":\"no_active_meter\",\"meter_id\":null,\"formula\":null,"
                + "\"formulas_needed\":[\"sum\"]}]}");
  }

  /**
   * Stripe's meters listed a meter a page behind 150 others: the pages are Stripe reads of the step
   * that reads them, so no step reads more than 100 (100 pages; 54 pages and 15 customers' 3
   * summaries; then 33 customers; then the last 24), and the meters are read once in the run.
   */
  @Test
  void theMetersPagesCountAmongAStepsHundredReadsAndAreReadOnceARun() {
    usage();
    liveSync();
    for (int i = 0; i < 70; i++) {
      customer(String.format("cus_many%02d", i), "cus_StripeMany" + i, "lic_many" + i, "many" + i);
    }
    for (int i = 0; i < 150; i++) {
      stripe.meters.add(
          0, new MeterSummaryGateway.Meter("mtr_other" + i, "other_" + i, MeterFormula.SUM));
    }
    stripe.meterPage = 1;

    List<Integer> readsPerStep = new ArrayList<>();
    BillingJob.Reconciliation step = job();
    Result result;
    do {
      int before = stripe.reads.size() + stripe.meterReads.size();
      result = reconciliation.run(step);
      readsPerStep.add(stripe.reads.size() + stripe.meterReads.size() - before);
      if (result instanceof Result.Continued continued) {
        step = continued.next();
      }
    } while (result instanceof Result.Continued);

    assertThat(readsPerStep).containsExactly(100, 54 + 15 * 3, 33 * 3, 24 * 3);
    assertThat(stripe.meterReads).hasSize(154).doesNotHaveDuplicates();
    ReconciliationReport report = finished(result);
    assertThat(report.compared()).isEqualTo(72 * 3);
    assertThat(report.differenceCount()).isZero();
    assertThat(report.meterFindings()).isEmpty();
  }

  @Test
  void aLongDayIsTalliedPageByPageThroughTheQueueAndComparedAtTheEnd() {
    int records = TrailReplay.RECORDS_PER_RUN + 5;
    for (int i = 0; i < records; i++) {
      counted("acme-prod", DAY.plus(Duration.ofMinutes(i + 1)), "api-calls", "2");
    }
    liveSync();

    Result first = reconciliation.run(job());
    assertThat(first).isInstanceOf(Result.Continued.class);
    BillingJob.Reconciliation next = ((Result.Continued) first).next();
    assertThat(queued).containsExactly(next);
    assertThat(reconciliation.run(job())).isEqualTo(first); // redelivered: tallied once
    assertThat(tallies.total(TENANT, RUN, new CountedUsage.Key("cus_acme", "api-calls")))
        .isEqualByComparingTo(BigDecimal.valueOf(2L * TrailReplay.RECORDS_PER_RUN));
    assertThat(stripe.reads).isEmpty();

    ReconciliationReport report = finished(reconciliation.run(next));
    assertThat(report.reports()).isEqualTo(records);
    assertThat(report.differenceCount()).isZero();
    assertThat(tallies.total(TENANT, RUN, new CountedUsage.Key("cus_acme", "api-calls")))
        .isEqualByComparingTo(BigDecimal.valueOf(2L * records));
    assertThat(stripe.aggregatedValue("mtr_calls", "cus_Stripe1", DAY, NEXT_DAY))
        .contains(BigDecimal.valueOf(2L * records));
  }

  /**
   * 72 customers of 3 SUM or COUNT meters: 33 customers a step (100 reads / 3 meters), so three
   * steps compare all 216 pairs; Stripe has a login of 30 customers Kaiten never counted, so 30
   * differences are counted, 25 of them named with an event. Every step delivered twice: the events
   * are emitted once.
   */
  @Test
  void everyCustomerMeterIsComparedAStepAtATimeAndEveryDifferenceCounted() {
    usage();
    liveSync();
    for (int i = 0; i < 70; i++) {
      String id = String.format("cus_many%02d", i);
      customer(id, "cus_StripeMany" + i, "lic_many" + i, "many" + i);
      if (i % 7 < 3) {
        stripe.events.add(
            new MeterEvent("kr_stray" + i, "logins", "cus_StripeMany" + i, 1, DAY.plusSeconds(i)));
      }
    }

    List<Result> steps = new ArrayList<>();
    BillingJob.Reconciliation step = job();
    Result result;
    do {
      result = reconciliation.run(step);
      assertThat(reconciliation.run(step).getClass())
          .isEqualTo(result instanceof Result.Finished ? Result.Finished.class : result.getClass());
      steps.add(result);
      if (result instanceof Result.Continued continued) {
        step = continued.next();
      }
    } while (result instanceof Result.Continued);

    assertThat(steps).hasSize(3);
    assertThat(((Result.Continued) steps.get(0)).next().findings().compared()).isEqualTo(99);
    // each step twice but the last's redelivery, which finds the run recorded (6 customers' reads)
    assertThat(stripe.reads).hasSize(2 * 216 - 6 * 3);
    ReconciliationReport report = finished(result);
    assertThat(report.compared()).isEqualTo(216);
    assertThat(report.differenceCount()).isEqualTo(30);
    assertThat(report.differences()).hasSize(StripeReconciliation.MAX_DIFFERENCES);
    assertThat(report.differences().get(0))
        .isEqualTo(
            new ReconciliationReport.Difference(
                "cus_many00",
                "cus_StripeMany0",
                "logins",
                "logins",
                BigDecimal.ZERO,
                BigDecimal.ONE));
    assertThat(reports.outbox.events).hasSize(StripeReconciliation.MAX_DIFFERENCES);
    assertThat(reports.outbox.events)
        .extracting(e -> e.data().get("customer_id").asText())
        .doesNotHaveDuplicates();
    assertThat(reports.latest(TENANT)).contains(report);
  }

  @Test
  void usageOfACustomerWithoutAStripeIdIsCountedAsNotCompared() {
    usage();
    liveSync();
    customer("cus_gamma", null, "lic_3", "gamma-prod"); // live sync could not send its usage
    counted("gamma-prod", DAY.plusSeconds(70), "api-calls", "5");
    counted("gamma-prod", DAY.plusSeconds(80), "logins", "1");
    counted("gamma-prod", DAY.plusSeconds(90), "seats", "3"); // a last meter: not tallied

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.compared()).isEqualTo(6);
    assertThat(report.differenceCount()).isZero();
    assertThat(report.notCompared())
        .containsExactly(
            SEATS_NOT_COMPARED, "2 counted reports of customers without a Stripe id (stripe_id)");
  }

  @Test
  void stripeUnreadableFailsTheRunWhichRecordsNothing() {
    usage();
    stripe.failReads = new MeterSummaryGateway.UnreadableException("Stripe did not answer: 503");

    assertThat(reconciliation.run(job()))
        .isEqualTo(new Result.Failed("Stripe did not answer: 503"));
    assertThat(reports.latest(TENANT)).isEmpty();
    assertThat(reports.recorded(TENANT, RUN)).isFalse();
  }

  @Test
  void withoutAConnectorNothingIsReadOrRecorded() {
    usage();
    connectors.delete(TENANT);

    assertThat(reconciliation.run(job())).isEqualTo(new Result.Finished(Optional.empty()));
    assertThat(stripe.reads).isEmpty();
    assertThat(reports.latest(TENANT)).isEmpty();
  }
}
