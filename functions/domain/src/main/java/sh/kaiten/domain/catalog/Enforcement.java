package sh.kaiten.domain.catalog;

/** HARD refuses a report that would pass the limit; SOFT counts it and flags the overage. */
public enum Enforcement {
  HARD,
  SOFT
}
