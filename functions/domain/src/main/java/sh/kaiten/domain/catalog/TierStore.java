package sh.kaiten.domain.catalog;

import java.time.Instant;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: a tenant's tiers, as the control plane changes and lists them (reads for a decision go
 * through {@link Definitions}). Every change is written with its {@link ChangeRecords}, together.
 *
 * <p>{@code create} refuses a slug already taken, {@code update} a record changed since {@code
 * expectedUpdatedAt} (ConflictException); a tier cannot be deleted while a license is on it
 * (ConflictException); {@code update} and {@code delete} of a tier that is not there throw a
 * NotFoundException.
 */
public interface TierStore {

  void createTier(String tenantId, Tier tier, ChangeRecords records);

  void updateTier(String tenantId, Tier tier, Instant expectedUpdatedAt, ChangeRecords records);

  void deleteTier(String tenantId, String slug, ChangeRecords records);

  Page<Tier> tiers(String tenantId, PageRequest page);
}
