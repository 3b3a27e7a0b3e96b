package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The control plane's ports on the Catalog table, for code that builds them without CDI (tests,
 * benchmarks).
 */
public final class DynamoAdminStores {
  private DynamoAdminStores() {}

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public static AdminStores of(
      DynamoDbClient dynamo, String catalogTable, TokenStore tokens, ChangeItems changes) {
    return new AdminStores(
        new DynamoTenants(dynamo, catalogTable, changes),
        new DynamoDefinitions(dynamo, catalogTable),
        new DynamoEntitlements(dynamo, catalogTable, changes),
        new DynamoTiers(dynamo, catalogTable, changes),
        new DynamoCustomers(dynamo, catalogTable, changes),
        new DynamoLicenses(dynamo, catalogTable, changes),
        new DynamoInstances(dynamo, catalogTable, changes),
        tokens);
  }
}
