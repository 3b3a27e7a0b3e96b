package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.crm.CrmConnectorsContract;

/**
 * The DynamoDB CRM connectors keep the port's contract, on DynamoDB Local with the template's
 * Webhooks table.
 */
class DynamoCrmConnectorsContractTest extends CrmConnectorsContract {
  private final DynamoCrmConnectors connectors =
      new DynamoCrmConnectors(SuiteLocalAws.dynamo(), SuiteLocalAws.table("WebhooksTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected CrmConnectors connectors() {
    return connectors;
  }
}
