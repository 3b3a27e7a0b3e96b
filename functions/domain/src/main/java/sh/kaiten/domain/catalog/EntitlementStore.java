package sh.kaiten.domain.catalog;

import java.time.Instant;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: a tenant's entitlements, as the control plane changes and lists them (reads for a decision
 * go through {@link Definitions}). Every change is written with its {@link ChangeRecords},
 * together.
 *
 * <p>{@code create} refuses a slug already taken, {@code update} a record changed since {@code
 * expectedUpdatedAt} (ConflictException); {@code update} and {@code delete} of a record that is not
 * there throw a NotFoundException.
 */
public interface EntitlementStore {

  void createEntitlement(String tenantId, Entitlement entitlement, ChangeRecords records);

  void updateEntitlement(
      String tenantId, Entitlement entitlement, Instant expectedUpdatedAt, ChangeRecords records);

  void deleteEntitlement(String tenantId, String slug, ChangeRecords records);

  Page<Entitlement> entitlements(String tenantId, PageRequest page);
}
