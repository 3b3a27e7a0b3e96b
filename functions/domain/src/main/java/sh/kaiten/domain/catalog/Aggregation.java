package sh.kaiten.domain.catalog;

/** How the reports of a period combine into the period's usage. */
public enum Aggregation {
  SUM,
  COUNT,
  MAX,
  MIN,
  AVERAGE,
  LATEST;

  /**
   * Whether a counter under this aggregation knows how many reports it counted: MAX, MIN and LATEST
   * keep only their value.
   */
  public boolean keepsReports() {
    return this == SUM || this == COUNT || this == AVERAGE;
  }
}
