package sh.kaiten.domain.license;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A moment of a license the scheduler must announce once it is due.
 *
 * @param licenseDate the license's date the moment derives from ({@code trial_ends_at} or {@code
 *     expires_at}), so a timer whose license has since changed is recognised as stale
 */
public record LifecycleTimer(
    String tenantId, String licenseId, LifecycleMoment moment, Instant dueAt, Instant licenseDate) {

  /**
   * The timers a license's dates call for, from {@code now} on.
   *
   * @param trialNotice how long before a trial ends {@code trial.ending_soon} goes out
   */
  public static List<LifecycleTimer> forLicense(
      String tenantId, License license, Duration trialNotice, Instant now) {
    List<LifecycleTimer> timers = new ArrayList<>();
    Instant trialEnds = license.trialEndsAt();
    if (license.status() == LicenseStatus.TRIAL && trialEnds != null && trialEnds.isAfter(now)) {
      if (!trialNotice.isZero()) {
        Instant soon = trialEnds.minus(trialNotice);
        timers.add(
            new LifecycleTimer(
                tenantId,
                license.id(),
                LifecycleMoment.TRIAL_ENDING_SOON,
                soon.isAfter(now) ? soon : now,
                trialEnds));
      }
      timers.add(
          new LifecycleTimer(
              tenantId, license.id(), LifecycleMoment.TRIAL_EXPIRED, trialEnds, trialEnds));
    }
    if (license.expiresAt() != null && license.expiresAt().isAfter(now)) {
      timers.add(
          new LifecycleTimer(
              tenantId,
              license.id(),
              LifecycleMoment.LICENSE_EXPIRED,
              license.expiresAt(),
              license.expiresAt()));
    }
    return timers;
  }

  /**
   * The timers a change to a license calls for: those of dates the change set. A date left as it
   * was keeps its timer, and with it the marker of an event that may already have gone out.
   */
  public static List<LifecycleTimer> changedFor(
      String tenantId, License before, License after, Duration trialNotice, Instant now) {
    List<LifecycleTimer> timers = new ArrayList<>(forLicense(tenantId, after, trialNotice, now));
    timers.removeIf(timer -> timer.appliesTo(before));
    return timers;
  }

  /** False when the license has changed since this timer was set, so its moment will not come. */
  public boolean appliesTo(License license) {
    return switch (moment) {
      case TRIAL_ENDING_SOON, TRIAL_EXPIRED ->
          license.status() == LicenseStatus.TRIAL && licenseDate.equals(license.trialEndsAt());
      case LICENSE_EXPIRED -> licenseDate.equals(license.expiresAt());
    };
  }
}
