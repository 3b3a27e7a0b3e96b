package sh.kaiten.domain.license;

/** The states of a license; only ACTIVE and an unexpired TRIAL grant anything. */
public enum LicenseStatus {
  ACTIVE,
  TRIAL,
  SUSPENDED,
  EXPIRED,
  CANCELED
}
