package sh.kaiten.domain.memory;

import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.billing.StripeConnectorsContract;

class InMemoryStripeConnectorsContractTest extends StripeConnectorsContract {
  private final InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();

  @Override
  protected StripeConnectors connectors() {
    return connectors;
  }
}
