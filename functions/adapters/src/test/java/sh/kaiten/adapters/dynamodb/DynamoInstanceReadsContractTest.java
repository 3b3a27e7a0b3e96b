package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceReadsContract;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * The DynamoDB instance reads keep the port's contract, on DynamoDB Local with the template's
 * Catalog and Usage tables.
 */
class DynamoInstanceReadsContractTest extends InstanceReadsContract {
  private final AdminStores stores =
      DynamoAdminStores.of(
          SuiteLocalAws.dynamo(),
          SuiteLocalAws.table("CatalogTable"),
          new DynamoTokenStore(
              SuiteLocalAws.dynamo(), SuiteLocalAws.table("TokensTable"), SuiteLocalAws.changes()),
          SuiteLocalAws.changes());
  private final DynamoUsageCounters counters =
      new DynamoUsageCounters(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));
  private final DynamoInstanceReads reads =
      new DynamoInstanceReads(
          SuiteLocalAws.dynamo(),
          SuiteLocalAws.table("CatalogTable"),
          SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected AdminStores stores() {
    return stores;
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected InstanceReads reads() {
    return reads;
  }
}
