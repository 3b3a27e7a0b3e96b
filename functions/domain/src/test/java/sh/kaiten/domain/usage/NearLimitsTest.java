package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;

/** Who is near a limit: every instance at or above a percentage of a limit, highest first. */
class NearLimitsTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String BOOTSTRAP = "bootstrap-secret-for-tests";

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();
  private final Administration admin =
      new Administration(
          catalog.adminStores(new InMemoryTokens()),
          new InMemoryJournal(),
          clock,
          Optional.of(BOOTSTRAP),
          Duration.ofDays(3));
  private final EntitlementQueries queries =
      new EntitlementQueries(
          catalog, catalog.lookup(new InMemoryInstanceReads(catalog, counters)), counters, clock);
  private final UsageReporting reporting =
      new UsageReporting(
          catalog,
          catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
          counters,
          signal -> {},
          clock,
          Duration.ofHours(24));
  private final NearLimits nearLimits = new NearLimits(catalog, catalog, catalog, queries, clock);
  private ApiToken token;

  @BeforeEach
  void tenant() {
    token = admin.tenants().bootstrapTenant(BOOTSTRAP, "Vendor").adminToken();
    for (String slug : List.of("api-calls", "seats")) {
      admin
          .catalog()
          .createEntitlement(
              token, new Entitlement(slug, slug, EntitlementType.NUMERIC, null, null, null));
    }
    admin
        .catalog()
        .createEntitlement(
            token, new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, null));
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
                    JSON.numberNode(100000),
                    "seats",
                    JSON.numberNode(10),
                    "sso",
                    JSON.booleanNode(true))));
    String acme = license("Acme");
    instance("acme-prod", acme, "api-calls", "85000");
    instance("acme-staging", acme, "api-calls", "100000");
    instance("acme-dev", acme, "api-calls", "79940");
    String beta = license("Beta");
    instance("beta-prod", beta, "seats", "9");
    admin
        .licenses()
        .updateLicense(
            token,
            beta,
            new LicensePatch(
                null, null, null, null, null, Map.of("api-calls", JSON.textNode("unlimited"))));
    instance("beta-batch", beta, "api-calls", "5000000");
    String gamma = license("Gamma");
    instance("gamma-prod", gamma, "api-calls", "99000");
    admin
        .licenses()
        .updateLicense(
            token, gamma, new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null));
  }

  private String license(String customer) {
    String id = admin.customers().createCustomer(token, customer, Map.of()).id();
    return admin
        .licenses()
        .createLicense(token, new LicenseDraft(id, "pro", null, null, null, null, null))
        .id();
  }

  private void instance(String id, String license, String slug, String used) {
    admin.instances().createInstance(token, id, license, null, null);
    reporting.report(token, id, new UsageReport(slug, new BigDecimal(used), null));
  }

  private static List<String> rows(List<NearLimits.Standing> standings) {
    return standings.stream()
        .map(
            s ->
                s.instance().id()
                    + " "
                    + s.usage().entitlement()
                    + " "
                    + s.usage().percentageUsed()
                    + " "
                    + s.usage().status())
        .toList();
  }

  @Test
  void everyInstanceAtOrAboveThePercentageOfALimitHighestFirst() {
    int reads = counters.tallyReads;

    assertThat(rows(nearLimits.atOrAbove(token, new BigDecimal("80"))))
        .containsExactly(
            "acme-staging api-calls 100.0 REJECTED",
            "beta-prod seats 90.0 ACCEPTED",
            "acme-prod api-calls 85.0 ACCEPTED");
    // An unlimited override and a suspended license have no limit to be near; 79940 is 79.9 %,
    // as the API's answer rounds it.
    assertThat(rows(nearLimits.atOrAbove(token, new BigDecimal("79.9"))))
        .containsExactly(
            "acme-staging api-calls 100.0 REJECTED",
            "beta-prod seats 90.0 ACCEPTED",
            "acme-prod api-calls 85.0 ACCEPTED",
            "acme-dev api-calls 79.9 ACCEPTED");
    assertThat(rows(nearLimits.atOrAbove(token, new BigDecimal("100"))))
        .containsExactly("acme-staging api-calls 100.0 REJECTED");
    assertThat(nearLimits.atOrAbove(token, new BigDecimal("100.1"))).isEmpty();
    assertThat(nearLimits.atOrAbove(token, new BigDecimal("80")).get(0).license().tier())
        .isEqualTo("pro");
    // Each of the five calls read every counter of the tenant in one request.
    assertThat(counters.tallyReads - reads).isEqualTo(5);
  }

  @Test
  void aPercentageOutOfRangeIsRefusedAndAnotherTenantSeesNone() {
    assertThatThrownBy(() -> nearLimits.atOrAbove(token, new BigDecimal("-1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("percent must be a number from 0 to 1000");
    assertThatThrownBy(() -> nearLimits.atOrAbove(token, new BigDecimal("1000.5")))
        .isInstanceOf(InvalidInputException.class);
    ApiToken other = admin.tenants().bootstrapTenant(BOOTSTRAP, "Other").adminToken();
    assertThat(nearLimits.atOrAbove(other, BigDecimal.ZERO)).isEmpty();
  }
}
