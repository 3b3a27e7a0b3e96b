package sh.kaiten.domain.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

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
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.ScheduledRun;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;

/** The scheduler's lifecycle job under a controlled clock. */
class LifecycleEventsTest {
  private static final Instant START = Instant.parse("2026-02-26T09:00:00Z");
  private static final Duration NOTICE = Duration.ofDays(3);

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private Administration admin;
  private ApiToken adminToken;
  private String customer;

  @BeforeEach
  void tenant() {
    String secret = "bootstrap-" + System.nanoTime();
    admin =
        new Administration(
            catalog.adminStores(new InMemoryTokens()),
            new InMemoryJournal(),
            Clock.fixed(START, ZoneOffset.UTC),
            Optional.of(secret),
            NOTICE);
    adminToken = admin.tenants().bootstrapTenant(secret, "Vendor").adminToken();
    admin.catalog().createTier(adminToken, new TierDraft("pro", "Pro", 1, Map.of()));
    customer = admin.customers().createCustomer(adminToken, "Acme", Map.of()).id();
  }

  private License license(LicenseStatus status, Instant trialEndsAt, Instant expiresAt) {
    return admin
        .licenses()
        .createLicense(
            adminToken,
            new LicenseDraft(customer, "pro", status, null, trialEndsAt, expiresAt, null));
  }

  private List<EventType> runAt(Instant now) {
    return run(now).fired().stream().map(Event::type).toList();
  }

  private ScheduledRun run(Instant now) {
    return new LifecycleEvents(catalog.timers, catalog, Clock.fixed(now, ZoneOffset.UTC)).fireDue();
  }

  @Test
  void aTrialIsAnnouncedEndingSoonThenExpiredOnceEach() {
    Instant trialEnds = Instant.parse("2026-03-10T12:00:00Z");
    License trial = license(LicenseStatus.TRIAL, trialEnds, null);

    assertThat(runAt(trialEnds.minus(NOTICE).minusSeconds(1))).isEmpty();
    assertThat(runAt(trialEnds.minus(NOTICE))).containsExactly(EventType.TRIAL_ENDING_SOON);
    assertThat(runAt(trialEnds.minusSeconds(1))).isEmpty();
    assertThat(runAt(trialEnds)).containsExactly(EventType.TRIAL_EXPIRED);
    assertThat(runAt(trialEnds.plusSeconds(60))).isEmpty();

    Event expired = catalog.timers.outbox.events.get(1);
    assertThat(expired.tenantId()).isEqualTo(adminToken.tenantId());
    assertThat(expired.createdAt()).isEqualTo(trialEnds);
    assertThat(expired.data().get("license_id").asText()).isEqualTo(trial.id());
    assertThat(expired.data().get("trial_ends_at").asText()).isEqualTo("2026-03-10T12:00:00Z");
  }

  @Test
  void aLicenseExpiresOnceAtItsDateAcrossAMonthEnd() {
    Instant expires = Instant.parse("2026-03-01T00:00:00Z");
    license(LicenseStatus.ACTIVE, null, expires);

    assertThat(runAt(Instant.parse("2026-02-28T23:59:59Z"))).isEmpty();
    assertThat(runAt(expires)).containsExactly(EventType.LICENSE_EXPIRED);
    assertThat(runAt(expires.plusSeconds(1))).isEmpty();
    assertThat(catalog.timers.outbox.events).hasSize(1);
  }

  @Test
  void aSchedulerThatWasDownCatchesUpInDueOrder() {
    Instant trialEnds = Instant.parse("2026-03-02T08:00:00Z");
    license(LicenseStatus.TRIAL, trialEnds, Instant.parse("2026-03-03T08:00:00Z"));

    assertThat(runAt(Instant.parse("2026-03-05T00:00:00Z")))
        .containsExactly(
            EventType.TRIAL_ENDING_SOON, EventType.TRIAL_EXPIRED, EventType.LICENSE_EXPIRED);
  }

  @Test
  void aTrialEndingWithinTheNoticeIsAnnouncedAtOnce() {
    license(LicenseStatus.TRIAL, START.plus(Duration.ofDays(1)), null);

    assertThat(runAt(START)).containsExactly(EventType.TRIAL_ENDING_SOON);
  }

  @Test
  void aTimerWhoseLicenseChangedFiresNothing() {
    Instant trialEnds = Instant.parse("2026-03-10T12:00:00Z");
    License trial = license(LicenseStatus.TRIAL, trialEnds, null);
    catalog.replaceLicense(
        adminToken.tenantId(),
        new License(
            trial.id(),
            trial.customerId(),
            trial.tier(),
            LicenseStatus.ACTIVE,
            trial.startsAt(),
            trialEnds,
            null,
            Map.of(),
            trial.createdAt(),
            trial.createdAt()));

    assertThat(runAt(trialEnds.plusSeconds(1))).isEmpty();
    assertThat(catalog.timers.outbox.events).isEmpty();
  }

  @Test
  void aTimerWhoseWriteFailedDoesNotStopTheRunAndFiresOnceOnTheNextRun() {
    Instant expires = Instant.parse("2026-03-01T00:00:00Z");
    license(LicenseStatus.ACTIVE, null, expires);
    license(LicenseStatus.ACTIVE, null, expires.plusSeconds(1));
    catalog.timers.failNextFire();

    ScheduledRun failed = run(expires.plusSeconds(1));
    assertThat(failed.fired()).extracting(Event::type).containsExactly(EventType.LICENSE_EXPIRED);
    assertThat(failed.failures())
        .singleElement()
        .asString()
        .startsWith("LICENSE_EXPIRED of license lic_")
        .endsWith("the catalog table is unavailable");
    List<EventType> retried = runAt(expires.plusSeconds(2));

    assertThat(retried).containsExactly(EventType.LICENSE_EXPIRED);
    assertThat(runAt(expires.plusSeconds(3))).isEmpty();
    assertThat(catalog.timers.outbox.events).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void licensesWithoutDatesSetNoTimers() {
    license(LicenseStatus.ACTIVE, null, null);
    license(LicenseStatus.TRIAL, null, null);

    assertThat(catalog.timers.all()).isEmpty();
  }
}
