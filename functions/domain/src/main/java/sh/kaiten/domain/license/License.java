package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.evaluation.Reason;

/**
 * A customer's right to a tier, with per-license {@code overrides} that beat the tier.
 *
 * @param trialEndsAt when a TRIAL stops granting; null for no end
 * @param expiresAt when the license stops granting whatever its status; null for never
 * @param updatedAt when it last changed: a change is written only if no other came in between
 */
public record License(
    String id,
    String customerId,
    String tier,
    LicenseStatus status,
    Instant startsAt,
    Instant trialEndsAt,
    Instant expiresAt,
    Map<String, EntitlementValue> overrides,
    Instant createdAt,
    Instant updatedAt) {

  public License {
    overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
  }

  /**
   * Why this license grants nothing at {@code now}, or empty when it is in force. Dates are
   * compared on every call, so expiry takes effect at its instant without any sweeper.
   */
  public Optional<Reason> inactiveReason(Instant now) {
    Reason reason =
        switch (status) {
          case SUSPENDED -> Reason.LICENSE_SUSPENDED;
          case EXPIRED -> Reason.LICENSE_EXPIRED;
          case CANCELED -> Reason.LICENSE_CANCELED;
          case ACTIVE, TRIAL -> null;
        };
    if (reason == null && startsAt != null && now.isBefore(startsAt)) {
      reason = Reason.LICENSE_NOT_STARTED;
    }
    if (reason == null && expiresAt != null && !now.isBefore(expiresAt)) {
      reason = Reason.LICENSE_EXPIRED;
    }
    if (reason == null
        && status == LicenseStatus.TRIAL
        && trialEndsAt != null
        && !now.isBefore(trialEndsAt)) {
      reason = Reason.TRIAL_ENDED;
    }
    return Optional.ofNullable(reason);
  }

  /**
   * The status a suspended license returns to: TRIAL while its trial's end is still ahead, else
   * ACTIVE, so a suspension never turns a trial into a paid license.
   */
  public LicenseStatus reactivatedStatus(Instant now) {
    return trialEndsAt != null && now.isBefore(trialEndsAt)
        ? LicenseStatus.TRIAL
        : LicenseStatus.ACTIVE;
  }
}
