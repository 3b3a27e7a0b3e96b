package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.billing.StripeConnectorsContract;

/**
 * The DynamoDB Stripe connectors keep the port's contract, on DynamoDB Local with the template's
 * Catalog table.
 */
class DynamoStripeConnectorsContractTest extends StripeConnectorsContract {
  private final DynamoStripeConnectors connectors =
      new DynamoStripeConnectors(SuiteLocalAws.dynamo(), SuiteLocalAws.table("CatalogTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected StripeConnectors connectors() {
    return connectors;
  }
}
