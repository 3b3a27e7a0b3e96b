package sh.kaiten.admin.boundaryfixture;

import sh.kaiten.usage.boundaryfixture.UsageSide;

/**
 * Breaks {@code ModuleRules.FUNCTIONS_NEVER_IMPORT_EACH_OTHER} on purpose: a class of admin-api's
 * package reaching into usage-api's. Test-only: no function module holds it.
 */
public final class AdminSide {
  public int reportsOf(UsageSide usage) {
    return usage.reports();
  }
}
