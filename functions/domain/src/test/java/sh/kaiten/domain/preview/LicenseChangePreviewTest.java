package sh.kaiten.domain.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
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
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.evaluation.Source;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.metering.UsageStatus;
import sh.kaiten.domain.usage.EntitlementComparison;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceComparison;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;

/**
 * A change to a license shown before it is made: what every instance would get, nothing written,
 * and the change made only on the license that was previewed.
 */
class LicenseChangePreviewTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String BOOTSTRAP = "bootstrap-secret-for-tests";

  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T10:00:00Z"));
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
  private final LicenseChangePreview previews =
      new LicenseChangePreview(admin.licenses(), admin.instances(), queries);
  private ApiToken token;
  private String license;

  @BeforeEach
  void productPage() {
    token = admin.tenants().bootstrapTenant(BOOTSTRAP, "Vendor").adminToken();
    admin
        .catalog()
        .createEntitlement(
            token,
            new Entitlement("api-calls", "API calls", EntitlementType.NUMERIC, null, null, null));
    admin
        .catalog()
        .createEntitlement(
            token, new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, null));
    admin
        .catalog()
        .createEntitlement(
            token, new Entitlement("seats", "Seats", EntitlementType.NUMERIC, null, null, null));
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
                    "sso",
                    JSON.booleanNode(true),
                    "seats",
                    JSON.numberNode(10))));
    admin
        .catalog()
        .createTier(
            token,
            new TierDraft(
                "starter",
                "Starter",
                1,
                Map.of(
                    "api-calls",
                    JSON.numberNode(50000),
                    "seats",
                    JSON.numberNode(new BigDecimal("1E+1")))));
    String customer = admin.customers().createCustomer(token, "Acme Corp", Map.of()).id();
    license =
        admin
            .licenses()
            .createLicense(token, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    String prod =
        admin.instances().createInstance(token, "acme-prod", license, null, null).token().id();
    admin.instances().createInstance(token, "acme-staging", license, null, null);
    UsageReporting reporting =
        new UsageReporting(
            catalog,
            catalog.lookup(new InMemoryInstanceReads(catalog, counters)),
            counters,
            signal -> {},
            clock,
            Duration.ofHours(24));
    reporting.report(
        token, "acme-prod", new UsageReport("api-calls", new BigDecimal("67433"), null));
    assertThat(prod).isNotNull();
    clock.advance(Duration.ofMinutes(1));
  }

  private static LicensePatch tier(String tier) {
    return new LicensePatch(tier, null, null, null, null, null);
  }

  private static EntitlementComparison of(InstanceComparison instance, String slug) {
    return instance.entitlements().stream()
        .filter(e -> e.before().evaluation().entitlement().slug().equals(slug))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aDowngradeShowsEveryInstanceItsEntitlementsBeforeAndAfterAndWritesNothing() {
    License stored = admin.licenses().license(token, license);
    int reads = counters.tallyReads;

    LicenseChangePreview.Preview preview = previews.preview(token, license, tier("starter"));

    assertThat(preview.before()).isEqualTo(stored);
    assertThat(preview.after().tier()).isEqualTo("starter");
    assertThat(preview.readAt()).isEqualTo(stored.updatedAt());
    assertThat(preview.instances())
        .extracting(i -> i.instance().id())
        .containsExactly("acme-prod", "acme-staging");
    InstanceComparison prod = preview.instances().get(0);
    assertThat(prod.entitlements())
        .extracting(e -> e.before().evaluation().entitlement().slug())
        .containsExactly("api-calls", "seats", "sso");

    EntitlementComparison calls = of(prod, "api-calls");
    assertThat(calls.before().evaluation().value())
        .isEqualTo(new EntitlementValue.Quota(new BigDecimal("100000")));
    assertThat(calls.after().evaluation().value())
        .isEqualTo(new EntitlementValue.Quota(new BigDecimal("50000")));
    assertThat(calls.before().usage().currentUsage()).isEqualByComparingTo("67433");
    assertThat(calls.before().usage().percentageUsed()).isEqualByComparingTo("67.4");
    assertThat(calls.before().usage().status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(calls.after().usage().currentUsage()).isEqualByComparingTo("67433");
    assertThat(calls.after().usage().percentageUsed()).isEqualByComparingTo("134.9");
    assertThat(calls.after().usage().status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(calls.changed()).isTrue();

    EntitlementComparison sso = of(prod, "sso");
    assertThat(sso.before().evaluation().enabled()).isTrue();
    assertThat(sso.after().evaluation().enabled()).isFalse();
    assertThat(sso.after().evaluation().source()).isEqualTo(Source.NONE);
    assertThat(sso.after().evaluation().reason()).isEqualTo(Reason.NOT_IN_TIER);
    assertThat(sso.changed()).isTrue();

    // 10 and 1E+1 are the same limit: nothing changes for seats.
    assertThat(of(prod, "seats").changed()).isFalse();
    assertThat(prod.changed())
        .extracting(e -> e.before().evaluation().entitlement().slug())
        .containsExactly("api-calls", "sso");

    InstanceComparison staging = preview.instances().get(1);
    assertThat(of(staging, "api-calls").after().usage().currentUsage()).isEqualByComparingTo("0");
    assertThat(of(staging, "api-calls").after().usage().status()).isEqualTo(UsageStatus.ACCEPTED);

    // Every counter of both instances, before and after, read in one request; nothing written.
    assertThat(counters.tallyReads - reads).isEqualTo(1);
    assertThat(admin.licenses().license(token, license)).isEqualTo(stored);
    assertThat(catalog.outbox.events).noneMatch(e -> e.type() == EventType.LICENSE_DOWNGRADED);
  }

  @Test
  void aSuspensionTakesEverythingAwayWithItsReason() {
    LicenseChangePreview.Preview preview =
        previews.preview(
            token,
            license,
            new LicensePatch(null, LicenseStatus.SUSPENDED, null, null, null, null));

    for (InstanceComparison instance : preview.instances()) {
      assertThat(instance.entitlements())
          .allSatisfy(
              e -> {
                assertThat(e.after().evaluation().enabled()).isFalse();
                assertThat(e.after().evaluation().reason()).isEqualTo(Reason.LICENSE_SUSPENDED);
                assertThat(e.changed()).isTrue();
              });
    }
  }

  @Test
  void theConfirmedChangeIsMadeWithItsEventsOnTheLicensePreviewed() {
    LicenseChangePreview.Preview preview = previews.preview(token, license, tier("starter"));

    License changed = previews.apply(token, license, tier("starter"), preview.readAt());

    assertThat(changed.tier()).isEqualTo("starter");
    assertThat(changed.updatedAt()).isEqualTo(clock.instant());
    assertThat(admin.licenses().license(token, license)).isEqualTo(changed);
    assertThat(catalog.outbox.events)
        .extracting(Event::type)
        .containsSubsequence(EventType.LICENSE_UPDATED, EventType.LICENSE_DOWNGRADED);
    assertThat(queries.usage(token, "acme-prod", "api-calls").limit())
        .isEqualByComparingTo("50000");
  }

  @Test
  void aChangeStoredBetweenPreviewAndConfirmationIsAConflictAndNothingIsWritten() {
    LicenseChangePreview.Preview preview = previews.preview(token, license, tier("starter"));
    clock.advance(Duration.ofSeconds(5));
    License between =
        admin
            .licenses()
            .updateLicense(
                token,
                license,
                new LicensePatch(
                    null, null, null, null, null, Map.of("seats", JSON.numberNode(20))));
    int events = catalog.outbox.events.size();
    clock.advance(Duration.ofSeconds(5));

    assertThatThrownBy(() -> previews.apply(token, license, tier("starter"), preview.readAt()))
        .isInstanceOf(ConflictException.class)
        .hasMessage("license '" + license + "' was changed by another request; read it again");
    assertThat(admin.licenses().license(token, license)).isEqualTo(between);
    assertThat(catalog.outbox.events).hasSize(events);
  }

  @Test
  void aChangeTheApiWouldRefuseIsRefusedInThePreviewAndAnotherTenantsLicenseIsNotFound() {
    assertThatThrownBy(() -> previews.preview(token, license, tier("enterprise")))
        .isInstanceOf(UnknownReferenceException.class)
        .hasMessage("tier 'enterprise' does not exist");
    ApiToken other = admin.tenants().bootstrapTenant(BOOTSTRAP, "Other").adminToken();
    assertThatThrownBy(() -> previews.preview(other, license, tier("starter")))
        .isInstanceOf(NotFoundException.class);
    assertThat(List.of(admin.licenses().license(token, license).tier())).containsExactly("pro");
  }
}
