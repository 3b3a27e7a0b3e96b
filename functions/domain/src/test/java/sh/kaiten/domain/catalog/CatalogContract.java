package sh.kaiten.domain.catalog;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.webhooks.WebhookStore;

/**
 * What the catalog's port suites share: the ports under test, a fresh tenant for each test, records
 * to build and a change's audit record to write with it. A suite runs on the in-memory fake and on
 * DynamoDB alike, so the fake keeps what the table does.
 */
public abstract class CatalogContract {
  /** What a suite runs on. */
  public interface Fixture {
    /** The catalog's ports, with the tokens. */
    AdminStores stores();

    /** Many catalog changes as one, on the same records as {@link #stores()}. */
    CatalogChangeStore catalogChanges();

    /** The webhook endpoints {@link #catalogChanges()} writes. */
    WebhookStore webhooks();

    /** The ids of the audit records stored for the tenant. */
    List<String> recorded(String tenantId);
  }

  protected static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final Fixture fixture;
  protected final AdminStores stores;
  protected final CatalogChangeStore catalogChanges;
  protected final WebhookStore webhooks;

  /** Each test has a tenant of its own, so tests on one shared table never meet. */
  protected final String tenantId = "tnt_" + UUID.randomUUID().toString().replace("-", "");

  protected CatalogContract(Fixture fixture) {
    this.fixture = fixture;
    this.stores = fixture.stores();
    this.catalogChanges = fixture.catalogChanges();
    this.webhooks = fixture.webhooks();
  }

  protected List<String> recorded() {
    return fixture.recorded(tenantId);
  }

  /** A change's one audit record: stored with the change, or not at all. */
  protected ChangeRecords records(String what) {
    return new ChangeRecords(
        List.of(),
        new Auditing(null, Clock.systemUTC(), Duration.ofDays(400))
            .prepare(
                tenantId,
                "tok_contract",
                "req-" + what,
                List.of(new AuditEntry(what, null, List.of(), "{}", "{}"))));
  }

  protected static Entitlement numeric(String slug) {
    return new Entitlement(
        slug,
        "Metered " + slug,
        EntitlementType.NUMERIC,
        new Metering(
            Aggregation.MAX,
            Reset.DAY,
            null,
            MeterScope.LICENSE,
            Enforcement.SOFT,
            new BigDecimal("20"),
            List.of(50, 90),
            "calls",
            1),
        null,
        NOW);
  }

  protected static Entitlement flag(String slug) {
    return new Entitlement(slug, "Feature " + slug, EntitlementType.BOOLEAN, null, null, NOW);
  }

  protected static Tier tier(String slug, int rank) {
    return new Tier(
        slug, "Tier " + slug, rank, Map.of("sso", new EntitlementValue.Flag(true)), NOW);
  }

  protected static Customer customer(String id) {
    return new Customer(id, "Customer " + id, Map.of("crm_id", "A-1"), NOW);
  }

  protected static License license(String id, String customerId, String tier) {
    return new License(
        id,
        customerId,
        tier,
        LicenseStatus.TRIAL,
        NOW,
        NOW.plus(Duration.ofDays(14)),
        null,
        Map.of("sso", new EntitlementValue.Flag(false)),
        NOW,
        NOW);
  }

  protected static Instance instance(String id, String licenseId) {
    return new Instance(id, licenseId, "Instance " + id, Map.of("env", "prod"), NOW);
  }

  /** A tier {@code pro}, a customer {@code cus_1} and a license {@code id} on both. */
  protected License seedLicense(String id) {
    stores.tiers().createTier(tenantId, tier("pro", 2), ChangeRecords.NONE);
    stores.customers().createCustomer(tenantId, customer("cus_1"), ChangeRecords.NONE);
    License license = license(id, "cus_1", "pro");
    stores.licenses().createLicense(tenantId, license, List.of(), ChangeRecords.NONE);
    return license;
  }
}
