package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.BillingSync.Result;
import sh.kaiten.domain.billing.MeterEventGateway.Answer;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.outbox.ChangeRecords;

class BillingSyncTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private static final String TENANT = "ten_1";

  private final SettableClock clock = new SettableClock(T0);
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();
  private final RecordedStripe stripe = new RecordedStripe(clock);
  private final Deque<Answer> script = stripe.script;
  private final List<MeterEvent> calls = stripe.calls;
  private final BillingSync sync = stripe.sync(connectors, catalog);

  @BeforeEach
  void catalog() {
    catalog.createTier(TENANT, new Tier("pro", "Pro", 1, Map.of(), T0), ChangeRecords.NONE);
    catalog.createCustomer(
        TENANT,
        new Customer("cus_acme", "Acme", Map.of("stripe_id", "cus_Stripe1"), T0),
        ChangeRecords.NONE);
    catalog.createCustomer(
        TENANT, new Customer("cus_none", "No Stripe", Map.of(), T0), ChangeRecords.NONE);
    license("lic_1", "cus_acme");
    license("lic_2", "cus_none");
    catalog.createInstance(
        TENANT, new Instance("acme-prod", "lic_1", null, null, T0), ChangeRecords.NONE);
    catalog.createInstance(
        TENANT, new Instance("none-prod", "lic_2", null, null, T0), ChangeRecords.NONE);
  }

  private void license(String id, String customer) {
    catalog.createLicense(
        TENANT,
        new License(id, customer, "pro", LicenseStatus.ACTIVE, T0, null, null, Map.of(), T0, T0),
        List.of(),
        ChangeRecords.NONE);
  }

  private void connect(MeterMapping... meters) {
    Map<String, MeterMapping> byEntitlement = new java.util.HashMap<>();
    for (MeterMapping meter : meters) {
      byEntitlement.put(meter.entitlement(), meter);
    }
    connectors.put(new StripeConnector(TENANT, byEntitlement, "stripe_id", T0, T0));
    connectors.putStripeKey(TENANT, "rk_test_made_up");
  }

  private static final MeterMapping CALLS =
      new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM);
  private static final MeterMapping GB =
      new MeterMapping("transfer-gb", "transfer_mb", new BigDecimal("1000"), Aggregation.SUM);
  private static final MeterMapping PEAK =
      new MeterMapping("peak-seats", "seats", BigDecimal.ONE, Aggregation.MAX);

  private static AcceptedReport report(String id, String entitlement, String value) {
    return new AcceptedReport(TENANT, id, entitlement, new BigDecimal(value), T0.minusSeconds(30));
  }

  private static AcceptedUsage usage(String instance, AcceptedReport... reports) {
    return new AcceptedUsage("rec_1", TENANT, instance, List.of(reports));
  }

  @Test
  void eachMappedReportIsOneMeterEventOfItsCustomerScaledAndOnlyOnceAcrossRedeliveries() {
    connect(CALLS, GB, PEAK);
    AcceptedUsage usage =
        usage(
            "acme-prod",
            report("r1", "api-calls", "3"),
            report("r2", "transfer-gb", "1.25"),
            report("r3", "peak-seats", "9"),
            report("r4", "unmapped", "1"));

    assertThat(sync.sync(usage)).isEqualTo(new Result.Done(2, 0, 2));
    assertThat(sync.sync(usage)).isEqualTo(new Result.Done(0, 2, 2));

    assertThat(calls)
        .extracting(MeterEvent::eventName, MeterEvent::stripeCustomerId, MeterEvent::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("api_calls", "cus_Stripe1", 3L),
            org.assertj.core.groups.Tuple.tuple("transfer_mb", "cus_Stripe1", 1250L));
    assertThat(calls.get(0).identifier())
        .isEqualTo(MeterIdentifiers.ofReport(report("r1", "api-calls", "3")));
    assertThat(calls.get(0).timestamp()).isEqualTo(T0.minusSeconds(30));
  }

  @Test
  void aTenantWithoutAConnectorSendsNothingAndIsDone() {
    assertThat(sync.sync(usage("acme-prod", report("r1", "api-calls", "3"))))
        .isEqualTo(new Result.Done(0, 0, 1));
    assertThat(calls).isEmpty();
  }

  @Test
  void aConnectorWithoutAKeyOrACustomerWithoutAStripeIdFailsTheMessage() {
    connectors.put(new StripeConnector(TENANT, Map.of("api-calls", CALLS), "stripe_id", T0, T0));
    assertThat(sync.sync(usage("acme-prod", report("r1", "api-calls", "3"))))
        .isEqualTo(new Result.Failed(List.of("tenant ten_1 has a Stripe connector but no key")));

    connectors.putStripeKey(TENANT, "rk_test_made_up");
    assertThat(sync.sync(usage("none-prod", report("r1", "api-calls", "3"))))
        .isEqualTo(
            new Result.Failed(
                List.of(
                    "instance none-prod's customer has no Stripe id in its metadata (stripe_id)")));
    assertThat(calls).isEmpty();
  }

  @Test
  void anOutageStopsTheMessageAndItsRedeliverySendsOnlyWhatWasNotSent() {
    connect(CALLS);
    AcceptedUsage usage =
        usage(
            "acme-prod",
            report("r1", "api-calls", "1"),
            report("r2", "api-calls", "2"),
            report("r3", "api-calls", "4"));
    script.add(new Answer.Accepted());
    for (int i = 0; i < 3; i++) {
      script.add(new Answer.Unavailable("503"));
    }

    Result first = sync.sync(usage);
    assertThat(first).isInstanceOf(Result.Failed.class);
    assertThat(((Result.Failed) first).reasons()).hasSize(1);
    assertThat(calls).hasSize(4); // r1 once, r2 three times, r3 not tried

    assertThat(sync.sync(usage)).isEqualTo(new Result.Done(2, 1, 0));
    assertThat(calls.stream().mapToLong(MeterEvent::value).skip(4).sum()).isEqualTo(6);
  }

  @Test
  void aValueTheScaleLeavesFractionalIsRefusedWhileTheOthersAreSent() {
    connect(CALLS);
    Result result =
        sync.sync(
            usage("acme-prod", report("r1", "api-calls", "0.5"), report("r2", "api-calls", "2")));

    assertThat(result).isInstanceOf(Result.Failed.class);
    assertThat(((Result.Failed) result).reasons())
        .singleElement()
        .asString()
        .startsWith("report r1: 0.5 × 1 = 0.5 is not a whole number");
    assertThat(calls).extracting(MeterEvent::value).containsExactly(2L);
    assertThat(Optional.of(calls.get(0).identifier()))
        .contains(MeterIdentifiers.ofReport(report("r2", "api-calls", "2")));
  }

  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-12-01T00:00:00Z");
  private static final MeterMapping AVERAGE_SEATS =
      new MeterMapping("avg-seats", "avg_seats", BigDecimal.ONE, Aggregation.AVERAGE);
  private static final MeterMapping STORAGE =
      new MeterMapping("storage-gb", "storage_mb", new BigDecimal("1000"), Aggregation.LATEST);

  /**
   * A report of a MAX, MIN, AVERAGE or LATEST counter: what it left the counter at, this period.
   */
  private static AcceptedReport gauge(
      String id, String entitlement, String value, Instant at, String periodValue) {
    return new AcceptedReport(
        TENANT,
        id,
        entitlement,
        new BigDecimal(value),
        at,
        new AcceptedReport.Standing(new BigDecimal(periodValue), START, END));
  }

  /** One write's message, counted at {@code countedAt}, as usage-api's outbox puts it. */
  private static AcceptedUsage written(Instant countedAt, AcceptedReport... reports) {
    return new AcceptedUsage(
        "rec_" + countedAt.toEpochMilli(), TENANT, "acme-prod", List.of(reports), countedAt);
  }

  private static final Instant COUNTED = Instant.parse("2026-11-20T10:00:00Z");

  /** Each report written on its own, one after the other, 30 s apart from {@link #COUNTED}. */
  private List<Result> countedOneByOne(AcceptedReport... reports) {
    List<Result> results = new java.util.ArrayList<>();
    for (int i = 0; i < reports.length; i++) {
      results.add(sync.sync(written(COUNTED.plusSeconds(30L * i), reports[i])));
    }
    return results;
  }

  @Test
  void aMaxMetersReportsEachSendTheRunningMaximumSoStripesLastIsThePeriodsMaximum() {
    connect(PEAK);
    Instant t = COUNTED;
    // 5, 9, 3 reported one after the other: each write answers the period's maximum after it.
    assertThat(
            countedOneByOne(
                gauge("r1", "peak-seats", "5", t, "5"),
                gauge("r2", "peak-seats", "9", t, "9"),
                gauge("r3", "peak-seats", "3", t, "9")))
        .containsOnly(new Result.Done(1, 0, 0, 0));

    assertThat(calls).extracting(MeterEvent::value).containsExactly(5L, 9L, 9L);
    assertThat(calls)
        .extracting(MeterEvent::timestamp)
        .containsExactly(t, t.plusSeconds(30), t.plusSeconds(60));
    assertThat(calls.get(1).identifier())
        .isEqualTo(MeterIdentifiers.ofReport(gauge("r2", "peak-seats", "9", t, "9")));
    assertThat(stripe.last("cus_Stripe1", "seats")).isEqualTo(9L);
  }

  /**
   * Reports counted in another order than their timestamps. MAX: the second is timed five minutes
   * before the first but counted after it, raising the maximum to 9, stamped when counted, so it
   * wins. LATEST: each report's own value at its own time, so Stripe keeps the latest-timestamped
   * (1.5, counted first), as the counter does.
   */
  @Test
  void stripesLatestValueIsKaitensWhateverOrderReportsAreCountedIn() {
    connect(PEAK, STORAGE);
    Instant t = COUNTED;
    countedOneByOne(
        gauge("r1", "peak-seats", "3", t, "3"),
        gauge("r2", "peak-seats", "9", t.minusSeconds(300), "9"),
        gauge("r3", "storage-gb", "1.5", t, "1.5"),
        gauge("r4", "storage-gb", "7", t.minusSeconds(60), "1.5"));

    assertThat(calls)
        .extracting(MeterEvent::value, MeterEvent::timestamp)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3L, t),
            org.assertj.core.groups.Tuple.tuple(9L, t.plusSeconds(30)),
            org.assertj.core.groups.Tuple.tuple(1500L, t),
            org.assertj.core.groups.Tuple.tuple(7000L, t.minusSeconds(60)));
    assertThat(stripe.last("cus_Stripe1", "seats")).isEqualTo(9L);
    assertThat(stripe.last("cus_Stripe1", "storage_mb")).isEqualTo(1500L);
  }

  @Test
  void ofAMessagesReportsOfOneCounterOnlyTheValueStripeWouldKeepIsSentAndARedeliverySendsNothing() {
    connect(AVERAGE_SEATS, STORAGE, CALLS);
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    AcceptedUsage batch =
        written(
            t,
            gauge("r1", "avg-seats", "2", t.minusSeconds(3), "2"),
            report("r2", "api-calls", "1"),
            gauge("r3", "avg-seats", "4", t.minusSeconds(2), "3"),
            gauge("r4", "storage-gb", "8", t.minusSeconds(1), "8"),
            gauge("r5", "avg-seats", "9", t.minusSeconds(1), "5"),
            gauge("r6", "storage-gb", "6", t.minusSeconds(2), "8"));

    assertThat(sync.sync(batch)).isEqualTo(new Result.Done(3, 0, 0, 3));
    assertThat(sync.sync(batch)).isEqualTo(new Result.Done(0, 3, 0, 3));

    assertThat(calls)
        .extracting(MeterEvent::eventName, MeterEvent::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("api_calls", 1L),
            org.assertj.core.groups.Tuple.tuple("storage_mb", 8000L),
            org.assertj.core.groups.Tuple.tuple("avg_seats", 5L));
    assertThat(stripe.last("cus_Stripe1", "avg_seats")).isEqualTo(5L);
    assertThat(stripe.last("cus_Stripe1", "storage_mb")).isEqualTo(8000L);
  }

  @Test
  void ofABatchOfMessagesOnlyTheLatestValueOfEachCounterIsSentAndItsRedeliverySendsNothing() {
    connect(PEAK, CALLS);
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    // Three writes of one MAX counter and one SUM report, in one batch of the billing queue.
    List<AcceptedUsage> batch =
        List.of(
            written(t, gauge("r1", "peak-seats", "5", t, "5")),
            written(t.plusSeconds(1), gauge("r2", "peak-seats", "9", t, "9")),
            written(t.plusSeconds(2), gauge("r3", "peak-seats", "3", t, "9")),
            written(t.plusSeconds(3), report("r4", "api-calls", "2")));

    assertThat(sync.superseded(batch)).containsExactlyInAnyOrder("r1", "r2");
    assertThat(syncBatch(batch))
        .containsExactly(
            new Result.Done(0, 0, 0, 1),
            new Result.Done(0, 0, 0, 1),
            new Result.Done(1, 0, 0, 0),
            new Result.Done(1, 0, 0, 0));
    assertThat(calls)
        .extracting(MeterEvent::eventName, MeterEvent::value, MeterEvent::timestamp)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("seats", 9L, t.plusSeconds(2)),
            org.assertj.core.groups.Tuple.tuple("api_calls", 2L, T0.minusSeconds(30)));
    assertThat(stripe.last("cus_Stripe1", "seats")).isEqualTo(9L);

    // Delivered again as it came: the same values left out, the others found sent.
    assertThat(syncBatch(batch))
        .extracting(result -> ((Result.Done) result).alreadySent())
        .containsExactly(0, 0, 1, 1);
    assertThat(calls).hasSize(2);
  }

  /** A batch of the billing queue as billing-sync runs it: its superseded values left out. */
  private List<Result> syncBatch(List<AcceptedUsage> batch) {
    java.util.Set<String> superseded = sync.superseded(batch);
    return batch.stream().map(usage -> sync.sync(usage, superseded)).toList();
  }

  @Test
  void valuesOfOneEntitlementFromTwoInstancesAreTwoCountersNeitherSupersedingTheOther() {
    connect(PEAK);
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    AcceptedUsage prod = written(t, gauge("r1", "peak-seats", "5", t, "5"));
    AcceptedUsage other =
        new AcceptedUsage(
            "rec_2",
            TENANT,
            "none-prod",
            List.of(gauge("r2", "peak-seats", "7", t, "7")),
            t.plusSeconds(1));

    assertThat(sync.superseded(List.of(prod, other))).isEmpty();
  }

  @Test
  void theClosesValueWinsOverEveryLiveValueOfItsPeriodEvenOneOfItsLastSecond() {
    connect(AVERAGE_SEATS);
    // Timed in the period's last half second and counted late, after the period ended.
    Instant late = END.minusMillis(500);
    sync.sync(written(END.plusSeconds(3600), gauge("r1", "avg-seats", "8", late, "6")));
    assertThat(calls.get(0).timestamp()).isEqualTo(END.minusSeconds(2));

    assertThat(
            sync.syncWindow(
                new WindowValue(
                    TENANT, "instance:acme-prod", "avg-seats", START, END, new BigDecimal("4.5"))))
        .isEqualTo(new Result.Done(1, 0, 0));

    assertThat(calls.get(1).timestamp()).isEqualTo(END.minusSeconds(1));
    assertThat(calls).extracting(MeterEvent::value).containsExactly(6L, 4L); // 4.5 half-even
    assertThat(stripe.last("cus_Stripe1", "avg_seats")).isEqualTo(4L);
  }

  @Test
  void aReportTimedAheadIntoAPeriodNotYetBegunIsStampedAtThatPeriodsStart() {
    connect(PEAK);
    AcceptedReport ahead =
        new AcceptedReport(
            TENANT,
            "r1",
            "peak-seats",
            new BigDecimal("4"),
            END.plusSeconds(120),
            new AcceptedReport.Standing(new BigDecimal("4"), END, END.plus(Duration.ofDays(31))));
    sync.sync(
        new AcceptedUsage("rec_1", TENANT, "acme-prod", List.of(ahead), END.minusSeconds(60)));

    assertThat(calls).extracting(MeterEvent::timestamp).containsExactly(END);
  }
}
