package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
import sh.kaiten.domain.closing.ClosedPeriod;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryAuditLog;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryClosedPeriods;
import sh.kaiten.domain.memory.InMemoryReconciliationReports;
import sh.kaiten.domain.memory.InMemoryReconciliationTallies;
import sh.kaiten.domain.memory.InMemorySentLedger;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.outbox.AcceptedUsage;
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
      if (meter.formula() == MeterFormula.LAST) {
        // The latest by timestamp, which Stripe keeps to the second; of one second, the latest
        // sent.
        MeterEvent last = matched.get(0);
        for (MeterEvent event : matched) {
          if (!second(event).isBefore(second(last))) {
            last = event;
          }
        }
        return Optional.of(BigDecimal.valueOf(last.value()));
      }
      return Optional.of(
          meter.formula() == MeterFormula.COUNT
              ? BigDecimal.valueOf(matched.size())
              : BigDecimal.valueOf(matched.stream().mapToLong(MeterEvent::value).sum()));
    }

    private static Instant second(MeterEvent event) {
      return event.timestamp().truncatedTo(ChronoUnit.SECONDS);
    }
  }

  private final SettableClock clock = new SettableClock(QUEUED.plusSeconds(30));
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();
  private final InMemoryAuditLog trail = new InMemoryAuditLog();
  private final InMemoryReconciliationReports reports = new InMemoryReconciliationReports();
  private final InMemoryReconciliationTallies tallies = new InMemoryReconciliationTallies();
  private final InMemoryClosedPeriods closedPeriods = new InMemoryClosedPeriods();
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
          closedPeriods,
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
                8,
                0,
                List.of(),
                List.of(),
                List.of()));
    // seats (MAX) too: its report kept no standing, so live sync sent it nowhere, and Stripe has
    // none
    assertThat(stripe.reads)
        .containsExactly(
            "mtr_calls cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_logins cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_seats cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_storage cus_Stripe1 " + DAY + " " + NEXT_DAY,
            "mtr_calls cus_Stripe2 " + DAY + " " + NEXT_DAY,
            "mtr_logins cus_Stripe2 " + DAY + " " + NEXT_DAY,
            "mtr_seats cus_Stripe2 " + DAY + " " + NEXT_DAY,
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

  /** The summary reads of the day's pairs, but those of {@code meterIds}. */
  private static List<String> readsBut(String... meterIds) {
    List<String> reads = new ArrayList<>();
    for (String customer : List.of("cus_Stripe1", "cus_Stripe2")) {
      for (String meter : List.of("mtr_calls", "mtr_logins", "mtr_seats", "mtr_storage")) {
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
                List.of(),
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
    assertThat(stripe.reads).containsExactlyElementsOf(readsBut("mtr_storage", "mtr_seats"));
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

    assertThat(report.compared()).isEqualTo(6);
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
    assertThat(report.compared()).isEqualTo(8);
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

    assertThat(report.compared()).isEqualTo(6);
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
   * that reads them, so no step reads more than 100 (100 pages; 54 pages and 11 customers' 4
   * summaries; then 25 customers twice; then the last 11), and the meters are read once in the run.
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

    assertThat(readsPerStep).containsExactly(100, 54 + 11 * 4, 25 * 4, 25 * 4, 11 * 4);
    assertThat(stripe.meterReads).hasSize(154).doesNotHaveDuplicates();
    ReconciliationReport report = finished(result);
    assertThat(report.compared()).isEqualTo(72 * 4);
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
   * 72 customers of 4 meters: 25 customers a step (100 reads / 4 meters; 24 in the first, which
   * lists the meters too), so three steps compare all 288 pairs; Stripe has a login of 30 customers
   * Kaiten never counted, so 30 differences are counted, 25 of them named with an event. Every step
   * delivered twice: the events are emitted once.
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
    // the first step reads the meters' page too: 99 reads left, 24 customers
    assertThat(((Result.Continued) steps.get(0)).next().findings().compared()).isEqualTo(96);
    // each step twice but the last's redelivery, which finds the run recorded (23 customers' reads)
    assertThat(stripe.reads).hasSize(2 * 288 - 23 * 4);
    ReconciliationReport report = finished(result);
    assertThat(report.compared()).isEqualTo(288);
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
    counted("gamma-prod", DAY.plusSeconds(90), "seats", "3"); // no standing: never sent

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.compared()).isEqualTo(8);
    assertThat(report.differenceCount()).isZero();
    assertThat(report.notCompared())
        .containsExactly("2 counted reports of customers without a Stripe id (stripe_id)");
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

  // ------------------------------------------------------------ last meters (MAX, MIN, AVERAGE,
  // LATEST)

  private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant JANUARY = Instant.parse("2027-01-01T00:00:00Z");
  private static final MeterMapping DISK =
      new MeterMapping("disk-gb", "disk_gb", BigDecimal.ONE, Aggregation.LATEST);

  /**
   * A MAX, MIN, AVERAGE or LATEST report's audit record as usage-api writes it: recorded at {@code
   * recordedAt}, timed {@code timestamp} (null: none given), its counter's period and the value the
   * report left it at.
   */
  private void valueCounted(
      String instance,
      Instant recordedAt,
      Instant timestamp,
      String entitlement,
      String value,
      String periodValue,
      Instant periodStart,
      Instant periodEnd) {
    trail.append(
        List.of(
            ReportRecords.of(
                TENANT,
                instance,
                recordedAt,
                entitlement,
                "{\"entitlement_slug\":\""
                    + entitlement
                    + "\",\"value\":"
                    + value
                    + (timestamp == null ? "" : ",\"timestamp\":\"" + timestamp + "\"")
                    + "}",
                "{\"status\":\"ACCEPTED\",\"replayed\":false,\"current_usage\":"
                    + periodValue
                    + ",\"period_start\":\""
                    + periodStart
                    + "\",\"period_end\":\""
                    + periodEnd
                    + "\"}",
                clock.instant().plus(Duration.ofDays(90)))));
  }

  /**
   * Live sync of the reports timed in [from, to), each write's its own message, in the order they
   * were written (so no report is left out for a later one of its batch).
   */
  private void liveSync(Instant from, Instant to) {
    BillingJob job = new BillingJob.Backfill(TENANT, from, to, BillingJob.Progress.START);
    TrailReplay.TrailPage page;
    do {
      page = replay.page(job);
      for (AcceptedUsage usage : page.counted()) {
        assertThat(sync.sync(usage)).isInstanceOf(BillingSync.Result.Done.class);
      }
      job = job.next(job.progress().after(page.nextCursor(), 0, 0, 0));
    } while (page.nextCursor() != null);
  }

  /** A period's close: kept by the period closing, and its final value flushed to Stripe. */
  private void closed(
      String holder,
      String entitlement,
      Aggregation aggregation,
      Instant start,
      Instant end,
      String usage) {
    closedPeriods.record(
        new ClosedPeriod(
            TENANT, holder, entitlement, aggregation, start, end, new BigDecimal(usage)));
    assertThat(
            sync.syncWindow(
                new WindowValue(TENANT, holder, entitlement, start, end, new BigDecimal(usage))))
        .isEqualTo(new BillingSync.Result.Done(1, 0, 0));
  }

  private ReconciliationTallies.LastEvent latest(String customer, String entitlement) {
    return tallies.latest(TENANT, RUN, new CountedUsage.Key(customer, entitlement)).orElseThrow();
  }

  private void mapped(MeterMapping... mappings) {
    Map<String, MeterMapping> meters = new HashMap<>();
    for (MeterMapping mapping : mappings) {
      meters.put(mapping.entitlement(), mapping);
    }
    connectors.put(new StripeConnector(TENANT, meters, "stripe_id", DAY, DAY));
  }

  /**
   * Seats (MAX): 5 at 10:00, then a report timed 09:00 written at 12:00 raises the maximum to 9.
   * The late report's event carries the maximum, stamped when it was counted, so Stripe's latest is
   * 9; by report time 09:00 it would lose to 5. Kaiten's side is the same event: no difference.
   */
  @Test
  void aMaxMetersLatestIsTheLatestWrittenReportsValueEvenWhenItIsTimedEarlier() {
    mapped(SEATS);
    valueCounted(
        "acme-prod", DAY.plus(Duration.ofHours(10)), null, "seats", "5", "5", DECEMBER, JANUARY);
    valueCounted(
        "acme-prod",
        DAY.plus(Duration.ofHours(12)),
        DAY.plus(Duration.ofHours(9)),
        "seats",
        "9",
        "9",
        DECEMBER,
        JANUARY);
    liveSync(DAY, NEXT_DAY);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(stripe.aggregatedValue("mtr_seats", "cus_Stripe1", DAY, NEXT_DAY))
        .contains(new BigDecimal("9"));
    assertThat(latest("cus_acme", "seats"))
        .isEqualTo(new ReconciliationTallies.LastEvent(DAY.plus(Duration.ofHours(12)), 9, false));
    assertThat(report.compared()).isEqualTo(2); // beta sent no seats, and Stripe has none
    assertThat(report.differenceCount()).isZero();
    assertThat(report.notCompared()).isEmpty();
    assertThat(report.reports()).isEqualTo(2);
  }

  /** The same day, the raising event lost on Stripe's side: Stripe holds 5, Kaiten sent 9 last. */
  @Test
  void aMaxValueStripeLacksIsADifferenceOfTheLatestValues() {
    mapped(SEATS);
    valueCounted(
        "acme-prod", DAY.plus(Duration.ofHours(10)), null, "seats", "5", "5", DECEMBER, JANUARY);
    valueCounted(
        "acme-prod",
        DAY.plus(Duration.ofHours(12)),
        DAY.plus(Duration.ofHours(9)),
        "seats",
        "9",
        "9",
        DECEMBER,
        JANUARY);
    liveSync(DAY, NEXT_DAY);
    stripe.events.removeIf(event -> event.value() == 9);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                "cus_acme",
                "cus_Stripe1",
                "seats",
                "seats",
                new BigDecimal("9"),
                new BigDecimal("5")));
    assertThat(reports.outbox.events)
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.data().toString())
                    .isEqualTo(
                        "{"
                            + RUN_DATA
                            + ",\"customer_id\":\"cus_acme\",\"stripe_customer_id\":\"cus_Stripe1\","
                            + "\"entitlement\":\"seats\",\"event_name\":\"seats\","
                            + "\"kaiten_value\":9,\"stripe_value\":5,\"difference\":4}"));
  }

  /**
   * Disk (LATEST): 70 timed 11:00 written at 10:00, then 40 timed 10:15 written at 10:30. A LATEST
   * event goes at the report's own time, so Stripe's latest is 70 whatever the order of writes; so
   * is Kaiten's side. A report timed the day before, written in it, is the day before's.
   */
  @Test
  void aLatestMetersLatestIsTheLatestTimedReportWhateverTheOrderOfWrites() {
    mapped(DISK);
    stripe.meters.add(new MeterSummaryGateway.Meter("mtr_disk", "disk_gb", MeterFormula.LAST));
    valueCounted(
        "acme-prod",
        DAY.plus(Duration.ofHours(10)),
        DAY.plus(Duration.ofHours(11)),
        "disk-gb",
        "70",
        "70",
        DECEMBER,
        JANUARY);
    valueCounted(
        "acme-prod",
        DAY.plus(Duration.ofMinutes(630)),
        DAY.plus(Duration.ofMinutes(615)),
        "disk-gb",
        "40",
        "70",
        DECEMBER,
        JANUARY);
    valueCounted(
        "beta-prod",
        DAY.plusSeconds(60),
        DAY.minusSeconds(60),
        "disk-gb",
        "3",
        "3",
        DECEMBER,
        JANUARY);
    liveSync(DAY.minus(Duration.ofDays(1)), NEXT_DAY);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(stripe.aggregatedValue("mtr_disk", "cus_Stripe1", DAY, NEXT_DAY))
        .contains(new BigDecimal("70"));
    assertThat(latest("cus_acme", "disk-gb"))
        .isEqualTo(new ReconciliationTallies.LastEvent(DAY.plus(Duration.ofHours(11)), 70, false));
    assertThat(tallies.latest(TENANT, RUN, new CountedUsage.Key("cus_beta", "disk-gb"))).isEmpty();
    assertThat(report.compared()).isEqualTo(2);
    assertThat(report.differenceCount()).isZero();
  }

  /**
   * Seats' day period closes at the window's end: live sync sent 5 at 01:00; a report kept without
   * its standing (written before periods were) raised it to 6, which only the close carries,
   * stamped 23:59:59. The close is the latest event, so Kaiten's side is 6; Stripe, which has the
   * close, agrees. The day before's close (stamped 23:59:59 the day before) is not of the window.
   */
  @Test
  void aPeriodClosingInTheWindowGivesItsFinalValueWhichWins() {
    mapped(SEATS);
    valueCounted(
        "acme-prod", DAY.plus(Duration.ofHours(1)), null, "seats", "5", "5", DAY, NEXT_DAY);
    counted("acme-prod", DAY.plus(Duration.ofHours(2)), "seats", "6");
    liveSync(DAY, NEXT_DAY);
    closed(
        "instance:acme-prod", "seats", Aggregation.MAX, DAY.minus(Duration.ofDays(1)), DAY, "99");
    closed("instance:acme-prod", "seats", Aggregation.MAX, DAY, NEXT_DAY, "6");

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(latest("cus_acme", "seats"))
        .isEqualTo(new ReconciliationTallies.LastEvent(NEXT_DAY.minusSeconds(1), 6, false));
    assertThat(stripe.aggregatedValue("mtr_seats", "cus_Stripe1", DAY, NEXT_DAY))
        .contains(new BigDecimal("6"));
    assertThat(report.compared()).isEqualTo(2);
    assertThat(report.differenceCount()).isZero();
  }

  /**
   * The same close never reached Stripe: Stripe holds the live 5, Kaiten's latest is the close's 6.
   */
  @Test
  void aCloseStripeLacksIsADifference() {
    mapped(SEATS);
    valueCounted(
        "acme-prod", DAY.plus(Duration.ofHours(1)), null, "seats", "5", "5", DAY, NEXT_DAY);
    liveSync(DAY, NEXT_DAY);
    closedPeriods.record(
        new ClosedPeriod(
            TENANT,
            "instance:acme-prod",
            "seats",
            Aggregation.MAX,
            DAY,
            NEXT_DAY,
            new BigDecimal("6")));

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                "cus_acme",
                "cus_Stripe1",
                "seats",
                "seats",
                new BigDecimal("6"),
                new BigDecimal("5")));
  }

  /**
   * A long day of seats, a page of the trail a step, the first step delivered twice, and the closes
   * merged twice (the comparing step redelivered after Stripe failed): the latest is merged, never
   * added, so every redelivery leaves it as it was.
   */
  @Test
  void aRedeliveredStepLeavesTheLatestEventsAsTheyWere() {
    mapped(SEATS);
    int records = TrailReplay.RECORDS_PER_RUN + 5;
    for (int i = 1; i <= records; i++) {
      valueCounted(
          "acme-prod",
          DAY.plus(Duration.ofMinutes(i)),
          null,
          "seats",
          String.valueOf(i),
          String.valueOf(i),
          DECEMBER,
          JANUARY);
    }
    liveSync(DAY, NEXT_DAY);
    closed("license:lic_2", "seats", Aggregation.MAX, DAY, NEXT_DAY, "4");

    Result first = reconciliation.run(job());
    assertThat(reconciliation.run(job())).isEqualTo(first);
    BillingJob.Reconciliation next = ((Result.Continued) first).next();
    stripe.failReads = new MeterSummaryGateway.UnreadableException("Stripe did not answer: 503");
    assertThat(reconciliation.run(next)).isEqualTo(new Result.Failed("Stripe did not answer: 503"));
    stripe.failReads = null;
    ReconciliationReport report = finished(reconciliation.run(next));

    assertThat(latest("cus_acme", "seats"))
        .isEqualTo(
            new ReconciliationTallies.LastEvent(
                DAY.plus(Duration.ofMinutes(records)), records, false));
    assertThat(latest("cus_beta", "seats"))
        .isEqualTo(new ReconciliationTallies.LastEvent(NEXT_DAY.minusSeconds(1), 4, false));
    assertThat(report.compared()).isEqualTo(2);
    assertThat(report.differenceCount()).isZero();
  }

  /**
   * Acme's two instances each count seats (per instance), and their latest events fall in one
   * second with 4 and 7: Stripe keeps one of them and does not say which, so acme's seats are not
   * compared (nor read); beta's are.
   */
  @Test
  void latestEventsOfOneSecondWithDifferentValuesAreNotCompared() {
    mapped(SEATS);
    catalog.createInstance(
        TENANT, new Instance("acme-staging", "lic_1", null, null, DAY), ChangeRecords.NONE);
    Instant ten = DAY.plus(Duration.ofHours(10));
    valueCounted("acme-prod", ten.plusMillis(100), null, "seats", "4", "4", DECEMBER, JANUARY);
    valueCounted("acme-staging", ten.plusMillis(600), null, "seats", "7", "7", DECEMBER, JANUARY);
    valueCounted("beta-prod", ten, null, "seats", "2", "2", DECEMBER, JANUARY);
    liveSync(DAY, NEXT_DAY);

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(latest("cus_acme", "seats"))
        .isEqualTo(new ReconciliationTallies.LastEvent(ten, 7, true));
    assertThat(report.compared()).isEqualTo(1);
    assertThat(report.differenceCount()).isZero();
    assertThat(report.notCompared())
        .containsExactly(
            "seats of cus_acme: its latest events in the window, at 2026-12-03T10:00:00Z, carry"
                + " different values, and Stripe keeps one of them without saying which: not"
                + " compared");
    assertThat(stripe.reads).containsExactly("mtr_seats cus_Stripe2 " + DAY + " " + NEXT_DAY);
  }

  /** Stripe holds a seats value for beta, to whom Kaiten sent none in the window: a difference. */
  @Test
  void aLastMeterValueStripeHasAndKaitenNeverSentIsADifferenceWithoutKaitensValue() {
    mapped(SEATS);
    stripe.events.add(new MeterEvent("kr_stray", "seats", "cus_Stripe2", 3, DAY.plusSeconds(5)));

    ReconciliationReport report = finished(reconciliation.run(job()));

    assertThat(report.differences())
        .containsExactly(
            new ReconciliationReport.Difference(
                "cus_beta", "cus_Stripe2", "seats", "seats", null, new BigDecimal("3")));
    assertThat(reports.outbox.events.get(0).data().toString())
        .endsWith("\"kaiten_value\":null,\"stripe_value\":3,\"difference\":null}");
  }
}
