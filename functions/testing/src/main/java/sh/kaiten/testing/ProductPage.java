package sh.kaiten.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.InstanceCreated;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.admin.TenantCreated;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.outbox.ChangeJournal;

/**
 * The product page's scenario as a fresh tenant: instance {@code acme-prod} on a Pro license whose
 * tier gives {@code api-calls} a HARD limit of 100000, plus a second instance {@code acme-staging}
 * on the same license. Seeded through the same use cases admin-api runs.
 */
public record ProductPage(
    Administration admin,
    ApiToken adminToken,
    String adminSecret,
    String licenseId,
    String instanceSecret,
    String stagingSecret) {

  public static final String INSTANCE = "acme-prod";
  public static final String STAGING = "acme-staging";

  /** The template's KAITEN_TRIAL_NOTICE. */
  public static final Duration TRIAL_NOTICE = Duration.ofDays(3);

  /** A new entitlement, given to the product page's license as an override of {@code value}. */
  public void grant(Entitlement entitlement, JsonNode value) {
    admin.catalog().createEntitlement(adminToken, entitlement);
    admin
        .licenses()
        .updateLicense(
            adminToken,
            licenseId,
            new LicensePatch(null, null, null, null, null, Map.of(entitlement.slug(), value)));
  }

  public static ProductPage seed(AdminStores stores) {
    Administration admin =
        // The fixture announces and records nothing: tests that read the events queue or the trail
        // see
        // only what they did.
        new Administration(
            stores,
            ChangeJournal.SILENT,
            Clock.systemUTC(),
            Optional.of(LocalAwsResource.bootstrapSecret()),
            TRIAL_NOTICE);
    TenantCreated tenant =
        admin.tenants().bootstrapTenant(LocalAwsResource.bootstrapSecret(), "Acme Vendor");
    ApiToken token = tenant.adminToken();
    admin
        .catalog()
        .createEntitlement(
            token,
            new Entitlement(
                "api-calls",
                "API calls",
                EntitlementType.NUMERIC,
                new Metering(null, null, null, null, Enforcement.HARD, null, null, "calls"),
                null,
                null));
    admin
        .catalog()
        .createEntitlement(
            token,
            new Entitlement("sso", "Single sign-on", EntitlementType.BOOLEAN, null, null, null));
    var json = JsonNodeFactory.instance;
    admin
        .catalog()
        .createTier(
            token,
            new TierDraft(
                "pro",
                "Pro",
                2,
                Map.of(
                    "api-calls",
                    json.numberNode(new BigDecimal("100000")),
                    "sso",
                    json.booleanNode(true))));
    String customer =
        admin.customers().createCustomer(token, "Acme Corp", Map.of("crm_id", "A-1")).id();
    String license =
        admin
            .licenses()
            .createLicense(token, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    InstanceCreated prod =
        admin.instances().createInstance(token, INSTANCE, license, "Acme production", null);
    InstanceCreated staging =
        admin.instances().createInstance(token, STAGING, license, "Acme staging", null);
    return new ProductPage(admin, token, tenant.secret(), license, prod.secret(), staging.secret());
  }
}
