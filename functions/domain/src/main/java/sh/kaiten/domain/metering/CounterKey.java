package sh.kaiten.domain.metering;

/**
 * Names one counter: an entitlement's usage for one holder (an instance, or a license's pool) in
 * one period.
 *
 * @param holder {@code instance:<id>} or {@code license:<id>}
 */
public record CounterKey(String tenantId, String entitlement, String holder, String period) {

  public static String instanceHolder(String instanceId) {
    return "instance:" + instanceId;
  }

  public static String licenseHolder(String licenseId) {
    return "license:" + licenseId;
  }

  /** {@code instance} or {@code license}. */
  public String holderKind() {
    return holder.substring(0, holder.indexOf(':'));
  }

  public String holderId() {
    return holder.substring(holder.indexOf(':') + 1);
  }
}
