package sh.kaiten.domain.catalog;

/** How often a quota's usage starts again from zero; NONE means a lifetime counter. */
public enum Reset {
  NONE,
  HOUR,
  DAY,
  WEEK,
  MONTH,
  YEAR
}
