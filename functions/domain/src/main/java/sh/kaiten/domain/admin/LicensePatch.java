package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.license.LicenseStatus;

/**
 * A change to a license, as JSON Merge Patch (RFC 7396) reads: a null field is left as it is.
 *
 * @param startsAt, trialEndsAt, expiresAt a new date, or {@link DateChange#clear()} to remove it
 * @param overrides merged into the license's overrides; a slug mapped to JSON null removes that
 *     override
 */
public record LicensePatch(
    String tier,
    LicenseStatus status,
    DateChange startsAt,
    DateChange trialEndsAt,
    DateChange expiresAt,
    Map<String, JsonNode> overrides) {

  /** A date set, or cleared when {@code value} is null. */
  public record DateChange(Instant value) {
    public static DateChange clear() {
      return new DateChange(null);
    }
  }

  static Instant apply(DateChange change, Instant current) {
    return change == null ? current : change.value();
  }
}
