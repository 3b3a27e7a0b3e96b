package sh.kaiten.domain.license;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * What every {@link InstanceReads} does, run against the in-memory port and the DynamoDB adapter
 * alike: the instance, the license the request names and every counter asked for come back
 * together, a counter not counted yet as empty, a counter spread over shards whole, and what is
 * missing (or another tenant's) as null.
 */
public abstract class InstanceReadsContract {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Period NOVEMBER =
      new Period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
  private static final PeriodClose CLOSE = PeriodClose.of(NOVEMBER, Duration.ofHours(24), null);

  /** The catalog the instance and its license are stored in. */
  protected abstract AdminStores stores();

  /** The counters, on the store the reads read. */
  protected abstract UsageCounters counters();

  /** The port under test, reading what {@link #stores()} and {@link #counters()} wrote. */
  protected abstract InstanceReads reads();

  /** Each test has a tenant of its own, so tests on one shared table never meet. */
  private final String tenantId = "tnt_reads_" + UUID.randomUUID().toString().replace("-", "");

  private Instance instance;
  private License license;

  @BeforeEach
  void instanceOnALicense() {
    AdminStores stores = stores();
    stores
        .tiers()
        .createTier(
            tenantId,
            new Tier(
                "pro",
                "Pro",
                2,
                Map.of("calls", new EntitlementValue.Quota(new BigDecimal("1000"))),
                NOW),
            ChangeRecords.NONE);
    stores
        .customers()
        .createCustomer(tenantId, new Customer("cus_1", "Acme", Map.of(), NOW), ChangeRecords.NONE);
    license =
        new License(
            "lic_1",
            "cus_1",
            "pro",
            LicenseStatus.ACTIVE,
            NOW,
            null,
            null,
            Map.of("calls", new EntitlementValue.Quota(new BigDecimal("2000"))),
            NOW,
            NOW);
    stores.licenses().createLicense(tenantId, license, List.of(), ChangeRecords.NONE);
    instance = new Instance("acme-prod", "lic_1", "Production", Map.of("env", "prod"), NOW);
    stores
        .instances()
        .createInstance(
            tenantId,
            instance,
            InstanceStoreContract.token(stores, tenantId, "acme-prod", "lic_1"),
            ChangeRecords.NONE);
  }

  private CounterKey counter(String entitlement) {
    return new CounterKey(
        tenantId, entitlement, CounterKey.instanceHolder("acme-prod"), NOVEMBER.key());
  }

  @Test
  void theInstanceItsLicenseAndEveryCounterAskedForComeBackTogether() {
    Metering sum = Metering.of(Aggregation.SUM);
    counters().add(counter("calls"), sum, CLOSE, new BigDecimal("3"), NOW, null);
    counters().add(counter("calls"), sum, CLOSE, new BigDecimal("4.5"), NOW, null);

    InstanceReads.Snapshot read =
        reads()
            .read(
                tenantId,
                "acme-prod",
                "lic_1",
                Map.of(counter("calls"), sum, counter("storage"), sum));

    assertThat(read.instance()).isEqualTo(instance);
    assertThat(read.license()).isEqualTo(license);
    assertThat(read.tallies()).containsOnlyKeys(counter("calls"), counter("storage"));
    assertThat(read.tallies().get(counter("calls")).sum()).isEqualByComparingTo("7.5");
    assertThat(read.tallies().get(counter("calls")).count()).isEqualTo(2);
    assertThat(read.tallies().get(counter("storage"))).isEqualTo(Tally.EMPTY);
  }

  @Test
  void withoutCountersTheInstanceAndItsLicenseAreRead() {
    InstanceReads.Snapshot read = reads().read(tenantId, "acme-prod", "lic_1", Map.of());

    assertThat(read.instance()).isEqualTo(instance);
    assertThat(read.license()).isEqualTo(license);
    assertThat(read.tallies()).isEmpty();
  }

  @Test
  void aMissingInstanceOrLicenseIsNullAndTheCountersAreStillRead() {
    Metering sum = Metering.of(Aggregation.SUM);
    counters().add(counter("calls"), sum, CLOSE, BigDecimal.ONE, NOW, null);

    InstanceReads.Snapshot noInstance =
        reads().read(tenantId, "gone", "lic_1", Map.of(counter("calls"), sum));
    InstanceReads.Snapshot noLicense =
        reads().read(tenantId, "acme-prod", "lic_gone", Map.of(counter("calls"), sum));

    assertThat(noInstance.instance()).isNull();
    assertThat(noInstance.license()).isEqualTo(license);
    assertThat(noInstance.tallies().get(counter("calls")).sum()).isEqualByComparingTo("1");
    assertThat(noLicense.instance()).isEqualTo(instance);
    assertThat(noLicense.license()).isNull();
    assertThat(noLicense.tallies().get(counter("calls")).sum()).isEqualByComparingTo("1");
  }

  @Test
  void anotherTenantsInstanceAndLicenseAreNotThere() {
    InstanceReads.Snapshot read =
        reads().read("tnt_other_" + UUID.randomUUID(), "acme-prod", "lic_1", Map.of());

    assertThat(read.instance()).isNull();
    assertThat(read.license()).isNull();
  }

  @Test
  void aCounterSpreadOverShardsIsReadWhole() {
    Metering sharded =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.SOFT, null, null, null, 4);
    for (int i = 0; i < 20; i++) {
      counters().add(counter("events"), sharded, CLOSE, BigDecimal.ONE, NOW, null);
    }

    Tally read =
        reads()
            .read(tenantId, "acme-prod", "lic_1", Map.of(counter("events"), sharded))
            .tallies()
            .get(counter("events"));

    assertThat(read.sum()).isEqualByComparingTo("20");
    assertThat(read.count()).isEqualTo(20);
  }

  @Test
  void moreCountersThanOneRequestTakesAreAllRead() {
    Metering sum = Metering.of(Aggregation.SUM);
    Map<CounterKey, Metering> asked = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      asked.put(counter("meter-" + i), sum);
    }
    counters().add(counter("meter-0"), sum, CLOSE, BigDecimal.ONE, NOW, null);
    counters().add(counter("meter-149"), sum, CLOSE, BigDecimal.TEN, NOW, null);

    Map<CounterKey, Tally> read = reads().read(tenantId, "acme-prod", "lic_1", asked).tallies();

    assertThat(read).containsOnlyKeys(asked.keySet());
    assertThat(read.get(counter("meter-0")).sum()).isEqualByComparingTo("1");
    assertThat(read.get(counter("meter-149")).sum()).isEqualByComparingTo("10");
    assertThat(read.get(counter("meter-75"))).isEqualTo(Tally.EMPTY);
  }
}
