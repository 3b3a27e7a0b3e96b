package sh.kaiten.domain.memory;

import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeActivityContract;

class InMemoryStripeActivityContractTest extends StripeActivityContract {
  private final InMemoryStripeActivity activity = new InMemoryStripeActivity();

  @Override
  protected StripeActivity activity() {
    return activity;
  }
}
