package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: a tenant's instances, with their tokens. Every change is written with its {@link
 * ChangeRecords}, together. An instance names an existing license (UnknownReferenceException);
 * {@code create} refuses an id already taken, {@code update} a record changed since {@code
 * expectedUpdatedAt} (ConflictException); {@code update} and {@code delete} of an instance that is
 * not there throw a NotFoundException.
 */
public interface InstanceStore {

  /** Creates the instance, counts it on its license and stores its token, together. */
  void createInstance(String tenantId, Instance instance, TokenWrites token, ChangeRecords records);

  Optional<Instance> findInstance(String tenantId, String id);

  void updateInstance(
      String tenantId, Instance instance, Instant expectedUpdatedAt, ChangeRecords records);

  /** Deletes the instance, counts it off its license and removes its tokens, together. */
  void deleteInstance(String tenantId, String id, TokenWrites tokens, ChangeRecords records);

  Page<Instance> instances(String tenantId, PageRequest page);
}
