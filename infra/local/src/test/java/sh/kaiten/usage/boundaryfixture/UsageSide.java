package sh.kaiten.usage.boundaryfixture;

/** What {@code AdminSide} reaches into, on usage-api's side (test-only). */
public final class UsageSide {
  public int reports() {
    return 1;
  }
}
