package sh.kaiten.domain.admin;

import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;

/** What a change to a license means to the vendor, as the events that announce it. */
final class LicenseChanges {
  private LicenseChanges() {}

  /**
   * {@code license.updated}, then what kind of change it was: a move to a higher- or lower-ranked
   * tier, a suspension or reactivation, a trial converted, an expiry set by hand.
   */
  static List<EventType> between(License before, License after, int rankBefore, int rankAfter) {
    List<EventType> changes = new ArrayList<>(List.of(EventType.LICENSE_UPDATED));
    if (!before.tier().equals(after.tier()) && rankAfter != rankBefore) {
      changes.add(
          rankAfter > rankBefore ? EventType.LICENSE_UPGRADED : EventType.LICENSE_DOWNGRADED);
    }
    LicenseStatus was = before.status();
    LicenseStatus now = after.status();
    if (was != now) {
      if (now == LicenseStatus.SUSPENDED) {
        changes.add(EventType.LICENSE_SUSPENDED);
      } else if (was == LicenseStatus.SUSPENDED
          && (now == LicenseStatus.ACTIVE || now == LicenseStatus.TRIAL)) {
        changes.add(EventType.LICENSE_REACTIVATED);
      } else if (was == LicenseStatus.TRIAL && now == LicenseStatus.ACTIVE) {
        changes.add(EventType.TRIAL_CONVERTED);
      } else if (now == LicenseStatus.EXPIRED) {
        changes.add(EventType.LICENSE_EXPIRED);
      }
    }
    return changes;
  }
}
