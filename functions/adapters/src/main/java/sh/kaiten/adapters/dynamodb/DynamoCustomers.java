package sh.kaiten.adapters.dynamodb;

import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A tenant's customers on the Catalog table; a customer counts its licenses, so it is not deleted
 * under them.
 */
public final class DynamoCustomers implements CustomerStore {
  private final CatalogWrites writes;
  private final TenantItems items;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoCustomers(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.writes = new CatalogWrites(dynamo, table, changes);
    this.items = new TenantItems(dynamo, table);
  }

  @Override
  public void createCustomer(String tenantId, Customer customer, ChangeRecords records) {
    writes.create(
        CatalogItems.item(
            tenantId, CustomerItems.sk(customer.id()), CustomerItems.fields(customer)),
        "customer '" + customer.id() + "' already exists",
        "id",
        records);
  }

  @Override
  public Optional<Customer> findCustomer(String tenantId, String id) {
    return items.get(tenantId, CustomerItems.sk(id)).map(CustomerItems::customer);
  }

  @Override
  public void updateCustomer(
      String tenantId, Customer customer, Instant expectedUpdatedAt, ChangeRecords records) {
    writes.update(
        tenantId,
        CustomerItems.sk(customer.id()),
        CustomerItems.fields(customer),
        expectedUpdatedAt,
        "customer",
        customer.id(),
        records);
  }

  @Override
  public void deleteCustomer(String tenantId, String id, ChangeRecords records) {
    writes.delete(
        tenantId,
        CustomerItems.sk(id),
        CatalogItems.LICENSE_COUNT,
        "customer",
        id,
        "it holds licenses; delete them first",
        records);
  }

  @Override
  public Page<Customer> customers(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.CUSTOMER, page, true, CustomerItems::customer);
  }
}
