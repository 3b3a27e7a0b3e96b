package sh.kaiten.domain.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.RecordStoreContract;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** The contract of {@link CustomerStore}. */
public abstract class CustomerStoreContract extends RecordStoreContract<Customer> {

  protected CustomerStoreContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Customer record(String id, String variant) {
    return new Customer(id, "Customer " + variant, Map.of("crm_id", variant), NOW);
  }

  @Override
  protected Customer changed(Customer customer, Instant updatedAt) {
    return new Customer(
        customer.id(), "Renamed at " + updatedAt, Map.of(), customer.createdAt(), updatedAt);
  }

  @Override
  protected List<String> ids() {
    return List.of("cus_1", "cus_2", "cus_3");
  }

  @Override
  protected void create(Customer customer, ChangeRecords records) {
    stores.customers().createCustomer(tenantId, customer, records);
  }

  @Override
  protected Optional<Customer> find(String id) {
    return stores.customers().findCustomer(tenantId, id);
  }

  @Override
  protected void update(Customer customer, Instant expectedUpdatedAt) {
    stores.customers().updateCustomer(tenantId, customer, expectedUpdatedAt, ChangeRecords.NONE);
  }

  @Override
  protected void delete(String id, ChangeRecords records) {
    stores.customers().deleteCustomer(tenantId, id, records);
  }

  @Override
  protected Page<Customer> page(PageRequest request) {
    return stores.customers().customers(tenantId, request);
  }

  @Test
  void aCustomerIsNotDeletedWhileItHoldsALicense() {
    seedLicense("lic_1");

    assertThatThrownBy(() -> delete("cus_1", records("refused")))
        .isInstanceOf(ConflictException.class);
    stores.licenses().deleteLicense(tenantId, "lic_1", ChangeRecords.NONE);
    delete("cus_1", records("deleted"));
    assertThat(find("cus_1")).isEmpty();
    assertThat(recorded()).hasSize(1);
  }
}
