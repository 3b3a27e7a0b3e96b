package sh.kaiten.adapters.boundaryfixture;

/** An adapter that keeps to its place (test-only): the rules have nothing to say about it. */
public final class StaysBelow {
  public String table() {
    return "Usage";
  }
}
