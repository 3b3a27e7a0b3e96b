package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
}
