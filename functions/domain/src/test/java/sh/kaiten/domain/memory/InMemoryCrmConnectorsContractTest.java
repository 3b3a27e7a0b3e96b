package sh.kaiten.domain.memory;

import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.crm.CrmConnectorsContract;

class InMemoryCrmConnectorsContractTest extends CrmConnectorsContract {
  private final InMemoryCrmConnectors connectors = new InMemoryCrmConnectors();

  @Override
  protected CrmConnectors connectors() {
    return connectors;
  }
}
