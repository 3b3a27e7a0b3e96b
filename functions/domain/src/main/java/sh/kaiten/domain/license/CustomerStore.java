package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: a tenant's customers. Every change is written with its {@link ChangeRecords}, together.
 *
 * <p>{@code create} refuses an id already taken, {@code update} a record changed since {@code
 * expectedUpdatedAt} (ConflictException); a customer cannot be deleted while it holds a license
 * (ConflictException); {@code update} and {@code delete} of a customer that is not there throw a
 * NotFoundException.
 */
public interface CustomerStore {

  void createCustomer(String tenantId, Customer customer, ChangeRecords records);

  Optional<Customer> findCustomer(String tenantId, String id);

  void updateCustomer(
      String tenantId, Customer customer, Instant expectedUpdatedAt, ChangeRecords records);

  void deleteCustomer(String tenantId, String id, ChangeRecords records);

  Page<Customer> customers(String tenantId, PageRequest page);
}
