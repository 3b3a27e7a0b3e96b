package sh.kaiten.domain.billing;

/**
 * How a Stripe meter combines the events of a billing period ({@code default_aggregation.formula}):
 * the three Stripe offers.
 */
public enum MeterFormula {
  SUM,
  COUNT,
  LAST
}
