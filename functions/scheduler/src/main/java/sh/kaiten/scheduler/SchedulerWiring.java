package sh.kaiten.scheduler;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.DigestKey;
import sh.kaiten.domain.auditing.AuditSealer;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.closing.ClosingCounters;
import sh.kaiten.domain.closing.PeriodClosing;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.TenantStore;
import sh.kaiten.domain.lifecycle.LifecycleEvents;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.runtime.DeploymentSecrets;
import sh.kaiten.runtime.KaitenConfig;

/** Builds the jobs this function runs. */
public class SchedulerWiring {

  @Produces
  @Singleton
  LifecycleEvents lifecycle(LifecycleTimers timers, LicenseStore licenses, Clock clock) {
    return new LifecycleEvents(timers, licenses, clock);
  }

  @Produces
  @Singleton
  AuditSealer auditSealer(
      AuditLog log,
      TenantStore tenants,
      Clock clock,
      KaitenConfig config,
      DeploymentSecrets secrets) {
    DigestKey key =
        secrets
            .auditDigestKey()
            .map(DigestKey::new)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "this function has no audit digest key"
                            + " (KAITEN_AUDIT_DIGEST_KEY_ID, or KAITEN_AUDIT_DIGEST_KEY where kaiten.secrets.source is environment)"));
    return new AuditSealer(
        log, tenants::tenants, clock, Duration.ofDays(config.audit().retentionDays()), key);
  }

  /**
   * The late window is usage-api's too (the template's Globals): a period is final only once it has
   * passed.
   */
  @Produces
  @Singleton
  PeriodClosing closing(
      ClosingCounters counters,
      CrossingMarkers markers,
      ClosedPeriods closed,
      Clock clock,
      KaitenConfig config) {
    return new PeriodClosing(counters, markers, closed, clock, config.usage().lateWindow());
  }
}
