package sh.kaiten.domain.license;

import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: a tenant's licenses, with the timers of their dates. Every change is written with its
 * {@link ChangeRecords}, together. References stay whole under concurrency: a license names an
 * existing tier and customer (UnknownReferenceException), and cannot be deleted while an instance
 * is on it (ConflictException).
 */
public interface LicenseStore {

  /**
   * Stores the license with the timers of its dates, together or not at all; refuses an id already
   * taken.
   */
  void createLicense(
      String tenantId, License license, List<LifecycleTimer> timers, ChangeRecords records);

  /**
   * Replaces the license, with the timers of the dates that changed, together or not at all.
   *
   * @param previous the license as read when the change was made
   * @throws sh.kaiten.domain.error.ConflictException when the license changed since
   */
  void updateLicense(
      String tenantId,
      License previous,
      License updated,
      List<LifecycleTimer> timers,
      ChangeRecords records);

  Optional<License> findLicense(String tenantId, String id);

  /**
   * Deletes the license; its timers stay and find nothing to fire. NotFoundException when it is not
   * there.
   */
  void deleteLicense(String tenantId, String id, ChangeRecords records);

  Page<License> licenses(String tenantId, PageRequest page);
}
