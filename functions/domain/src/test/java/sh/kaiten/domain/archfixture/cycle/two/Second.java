package sh.kaiten.domain.archfixture.cycle.two;

import sh.kaiten.domain.archfixture.cycle.one.First;

/**
 * Breaks {@code DomainRules.PACKAGES_FORM_A_TREE} on purpose, with {@link First}: a cycle of two
 * packages.
 */
public final class Second {
  public First back() {
    return new First();
  }
}
