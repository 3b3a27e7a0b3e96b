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

  /**
   * Whether the usage is the sum of what each report adds (SUM, COUNT); MAX, MIN, AVERAGE and
   * LATEST are a value each report may replace, which only the counter knows.
   */
  public boolean addsUp() {
    return this == SUM || this == COUNT;
  }
}
