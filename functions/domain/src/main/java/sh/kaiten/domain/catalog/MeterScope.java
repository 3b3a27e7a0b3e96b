package sh.kaiten.domain.catalog;

/** Who shares a counter: each instance its own, or every instance of a license one pool. */
public enum MeterScope {
  INSTANCE,
  LICENSE
}
