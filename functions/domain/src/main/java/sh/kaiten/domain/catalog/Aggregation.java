package sh.kaiten.domain.catalog;

/** How the reports of a period combine into the period's usage. */
public enum Aggregation {
  SUM, COUNT, MAX, MIN, AVERAGE, LATEST
}
