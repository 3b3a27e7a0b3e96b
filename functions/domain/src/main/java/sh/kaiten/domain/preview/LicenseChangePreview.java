package sh.kaiten.domain.preview;

import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.admin.LicenseChange;
import sh.kaiten.domain.admin.LicensePatch;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceComparison;

/**
 * Use case: what a change to a license would give every instance of it, before it is made. The
 * change is checked as {@link LicenseAdministration#updateLicense} checks it, and nothing is
 * written; {@link Preview#readAt()} is what a confirmation passes back, so that the change is made
 * only on the license that was previewed.
 */
public final class LicenseChangePreview {
  private final LicenseAdministration licenses;
  private final InstanceAdministration instances;
  private final EntitlementQueries queries;

  public LicenseChangePreview(
      LicenseAdministration licenses,
      InstanceAdministration instances,
      EntitlementQueries queries) {
    this.licenses = licenses;
    this.instances = instances;
    this.queries = queries;
  }

  /**
   * @param before the license as stored
   * @param after the license as the change would make it
   * @param instances every instance of the license, in id order, each entitlement before and after
   */
  public record Preview(License before, License after, List<InstanceComparison> instances) {
    public Preview {
      instances = List.copyOf(instances);
    }

    /** The {@code updated_at} of the license previewed. */
    public java.time.Instant readAt() {
      return before.updatedAt();
    }
  }

  public Preview preview(ApiToken caller, String licenseId, LicensePatch patch) {
    LicenseChange change = licenses.proposeChange(caller, licenseId, patch);
    return new Preview(
        change.before(),
        change.after(),
        queries.compare(
            caller, change.before(), change.after(), instances.instancesOf(caller, licenseId)));
  }

  /**
   * Makes the previewed change, unless the license changed since {@code readAt} (409, nothing
   * written).
   */
  public License apply(
      ApiToken caller, String licenseId, LicensePatch patch, java.time.Instant readAt) {
    return licenses.updateLicense(caller, licenseId, patch, readAt);
  }
}
