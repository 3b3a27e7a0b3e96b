package sh.kaiten.domain.archfixture.cycle.one;

import sh.kaiten.domain.archfixture.cycle.two.Second;

/**
 * Breaks {@code DomainRules.PACKAGES_FORM_A_TREE} on purpose, with {@link Second}: a cycle of two
 * packages.
 */
public final class First {
  public Second next() {
    return new Second();
  }
}
