package sh.kaiten.domain.evaluation;

/** Where an evaluated value came from. */
public enum Source {
  TIER,
  OVERRIDE,
  NONE
}
