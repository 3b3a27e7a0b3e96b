package sh.kaiten.domain.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Port: the append-only audit trail and its digests. Nothing here updates or deletes: records and
 * digests are put once, conditional on absence.
 */
public interface AuditLog {

  /**
   * Up to {@link #MAX_RECORDS_PER_WRITE} records of one request, stored together in one write
   * request.
   */
  void append(List<AuditRecord> records);

  int MAX_RECORDS_PER_WRITE = 100;

  /** One page of a tenant's records matching {@code filter}, newest first. */
  Page<AuditRecord> page(String tenantId, AuditFilter filter, PageRequest page);

  /** Every record of the tenant with {@code from <= at < to}, in id order (oldest first). */
  List<AuditRecord> records(String tenantId, Instant from, Instant to);

  /** The digests of hours in {@code [from, to)}, in chain order. */
  List<AuditDigest> digests(String tenantId, Instant from, Instant to);

  /** The last digest of an hour before {@code hour} (its last part), if any. */
  Optional<AuditDigest> digestBefore(String tenantId, Instant hour);

  /**
   * Stores a digest unless one of that hour and part exists.
   *
   * @return false when it existed (another run sealed the hour first)
   */
  boolean seal(AuditDigest digest);
}
