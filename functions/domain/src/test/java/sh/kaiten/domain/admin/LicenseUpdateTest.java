package sh.kaiten.domain.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.license.LifecycleMoment;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;

class LicenseUpdateTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final Administration admin =
      new Administration(
          catalog.adminStores(new InMemoryTokens()),
          new InMemoryJournal(),
          Clock.fixed(NOW, ZoneOffset.UTC),
          Optional.of("bootstrap-secret-for-tests"),
          Duration.ofDays(3));
  private ApiToken token;
  private String customer;

  @BeforeEach
  void catalog() {
    token = admin.tenants().bootstrapTenant("bootstrap-secret-for-tests", "Vendor").adminToken();
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
            token, new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, null));
    admin
        .catalog()
        .createTier(
            token, new TierDraft("free", "Free", 1, Map.of("api-calls", IntNode.valueOf(1000))));
    admin
        .catalog()
        .createTier(
            token, new TierDraft("pro", "Pro", 2, Map.of("api-calls", IntNode.valueOf(100000))));
    customer = admin.customers().createCustomer(token, "Acme", Map.of()).id();
    catalog.outbox.events.clear();
  }

  private License license(LicenseStatus status, Instant trialEndsAt) {
    License license =
        admin
            .licenses()
            .createLicense(
                token, new LicenseDraft(customer, "free", status, null, trialEndsAt, null, null));
    catalog.outbox.events.clear();
    return license;
  }

  private static LicensePatch patch(String tier, LicenseStatus status) {
    return new LicensePatch(tier, status, null, null, null, null);
  }

  private List<EventType> announced() {
    return catalog.outbox.events.stream().map(Event::type).toList();
  }

  @Test
  void anUpgradeAndADowngradeAreAnnouncedByTierRank() {
    License license = license(LicenseStatus.ACTIVE, null);

    License upgraded = admin.licenses().updateLicense(token, license.id(), patch("pro", null));
    assertThat(upgraded.tier()).isEqualTo("pro");
    assertThat(announced()).containsExactly(EventType.LICENSE_UPDATED, EventType.LICENSE_UPGRADED);
    assertThat(catalog.outbox.events.get(1).data().get("previous_tier").asText()).isEqualTo("free");
    assertThat(catalog.findLicense(token.tenantId(), license.id()).orElseThrow())
        .isEqualTo(upgraded);

    catalog.outbox.events.clear();
    admin.licenses().updateLicense(token, license.id(), patch("free", null));
    assertThat(announced())
        .containsExactly(EventType.LICENSE_UPDATED, EventType.LICENSE_DOWNGRADED);
  }

  @Test
  void statusChangesAreAnnouncedForWhatTheyMean() {
    License trial = license(LicenseStatus.TRIAL, NOW.plus(Duration.ofDays(14)));

    admin.licenses().updateLicense(token, trial.id(), patch(null, LicenseStatus.ACTIVE));
    assertThat(announced()).containsExactly(EventType.LICENSE_UPDATED, EventType.TRIAL_CONVERTED);
    catalog.outbox.events.clear();
    admin.licenses().updateLicense(token, trial.id(), patch(null, LicenseStatus.SUSPENDED));
    assertThat(announced()).containsExactly(EventType.LICENSE_UPDATED, EventType.LICENSE_SUSPENDED);
    catalog.outbox.events.clear();
    admin.licenses().updateLicense(token, trial.id(), patch(null, LicenseStatus.ACTIVE));
    assertThat(announced())
        .containsExactly(EventType.LICENSE_UPDATED, EventType.LICENSE_REACTIVATED);
    catalog.outbox.events.clear();
    admin.licenses().updateLicense(token, trial.id(), patch(null, LicenseStatus.EXPIRED));
    assertThat(announced()).containsExactly(EventType.LICENSE_UPDATED, EventType.LICENSE_EXPIRED);
  }

  @Test
  void overridesMergeAndANullRemovesOne() {
    License license = license(LicenseStatus.ACTIVE, null);
    admin
        .licenses()
        .updateLicense(
            token,
            license.id(),
            new LicensePatch(
                null,
                null,
                null,
                null,
                null,
                Map.of("api-calls", IntNode.valueOf(5000), "sso", BooleanNode.TRUE)));
    Map<String, JsonNode> removeSso = new HashMap<>();
    removeSso.put("sso", NullNode.instance);

    License updated =
        admin
            .licenses()
            .updateLicense(
                token, license.id(), new LicensePatch(null, null, null, null, null, removeSso));

    assertThat(updated.overrides()).containsOnlyKeys("api-calls");
    assertThat(updated.overrides().get("api-calls"))
        .isEqualTo(new EntitlementValue.Quota(new java.math.BigDecimal("5000")));
  }

  @Test
  void datesAreSetAndClearedAndOnlyChangedDatesGetNewTimers() {
    Instant trialEnds = NOW.plus(Duration.ofDays(14));
    License trial = license(LicenseStatus.TRIAL, trialEnds);
    assertThat(catalog.timers.all())
        .extracting(LifecycleTimer::moment)
        .containsExactly(LifecycleMoment.TRIAL_ENDING_SOON, LifecycleMoment.TRIAL_EXPIRED);

    admin.licenses().updateLicense(token, trial.id(), patch("pro", null));
    assertThat(catalog.timers.all()).hasSize(2);

    Instant extended = trialEnds.plus(Duration.ofDays(7));
    Instant expires = NOW.plus(Duration.ofDays(365));
    License updated =
        admin
            .licenses()
            .updateLicense(
                token,
                trial.id(),
                new LicensePatch(
                    null,
                    null,
                    null,
                    new LicensePatch.DateChange(extended),
                    new LicensePatch.DateChange(expires),
                    null));
    assertThat(updated.trialEndsAt()).isEqualTo(extended);
    assertThat(catalog.timers.all())
        .hasSize(5)
        .filteredOn(t -> t.licenseDate().equals(extended))
        .hasSize(2);

    License cleared =
        admin
            .licenses()
            .updateLicense(
                token,
                trial.id(),
                new LicensePatch(null, null, null, null, LicensePatch.DateChange.clear(), null));
    assertThat(cleared.expiresAt()).isNull();
    assertThat(cleared.trialEndsAt()).isEqualTo(extended);
  }

  @Test
  void anUnknownTierIsRefusedAndNothingChanges() {
    License license = license(LicenseStatus.ACTIVE, null);

    assertThatThrownBy(
            () -> admin.licenses().updateLicense(token, license.id(), patch("gold", null)))
        .isInstanceOfSatisfying(
            UnknownReferenceException.class, e -> assertThat(e.field()).isEqualTo("tier"));
    assertThat(catalog.findLicense(token.tenantId(), license.id()).orElseThrow())
        .isEqualTo(license);
    assertThat(catalog.outbox.events).isEmpty();
  }
}
