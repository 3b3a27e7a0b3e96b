package sh.kaiten.domain.catalog;

/** Where periods are phased from: UTC calendar boundaries, or the license's start. */
public enum ResetAnchor {
  CALENDAR,
  LICENSE_START
}
