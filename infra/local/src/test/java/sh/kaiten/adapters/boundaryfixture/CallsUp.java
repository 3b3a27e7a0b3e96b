package sh.kaiten.adapters.boundaryfixture;

import sh.kaiten.admin.boundaryfixture.AdminSide;

/**
 * Breaks {@code ModuleRules.ADAPTERS_NEVER_IMPORT_FUNCTIONS} on purpose: an adapter calling up into
 * a function's package (test-only).
 */
public final class CallsUp {
  public AdminSide function() {
    return new AdminSide();
  }
}
