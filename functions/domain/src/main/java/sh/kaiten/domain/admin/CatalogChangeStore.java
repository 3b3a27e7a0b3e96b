package sh.kaiten.domain.admin;

import java.util.List;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Port: many catalog changes written as one, with their records (events and the one audit record),
 * all or nothing. The changes' conditions are the single stores' ({@link
 * sh.kaiten.domain.catalog.EntitlementStore}, {@link sh.kaiten.domain.catalog.TierStore}, {@link
 * sh.kaiten.domain.webhooks.WebhookStore}): a created slug must be free, an updated record
 * unchanged since {@code expectedUpdatedAt}, a deleted tier without licenses, a deleted webhook
 * endpoint still there; when any fails nothing is written and the store throws a ConflictException
 * (NotFoundException for an update or delete of a record that is gone).
 *
 * <p>It sits in {@code admin}, above {@code catalog} and {@code webhooks}: one write holds records
 * of both.
 */
public interface CatalogChangeStore {
  /**
   * How many changes one call takes: DynamoDB writes at most 100 items in one transaction, and each
   * change is at most two (its record and its event), with room for the audit record.
   */
  int MAX_CHANGES = 49;

  void applyChanges(String tenantId, List<CatalogChange> changes, ChangeRecords records);
}
