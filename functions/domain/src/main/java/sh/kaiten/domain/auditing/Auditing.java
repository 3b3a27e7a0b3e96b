package sh.kaiten.domain.auditing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.AuditVerifier;
import sh.kaiten.domain.audit.DigestKey;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.audit.Verification;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.paging.ExportRange;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Writes and reads the audit trail. What one request records is written in one request to the
 * store, before the caller answers; records expire after the retention (DynamoDB TTL).
 */
public final class Auditing {
  /** The widest range one verification walks: it reads every record of the range. */
  public static final Duration MAX_VERIFY_RANGE = Duration.ofDays(7);

  /** The widest range one reports export covers. */
  public static final Duration MAX_REPORTS_RANGE = Duration.ofDays(31);

  private final AuditLog log;
  private final Clock clock;
  private final Duration retention;
  private final Optional<DigestKey> key;

  /**
   * @param key the digest key, for verifying; the functions that only record have none
   */
  public Auditing(AuditLog log, Clock clock, Duration retention, Optional<DigestKey> key) {
    this.log = log;
    this.clock = clock;
    this.retention = retention;
    this.key = key;
  }

  /** For recording only: {@link #verify} needs the digest key. */
  public Auditing(AuditLog log, Clock clock, Duration retention) {
    this(log, clock, retention, Optional.empty());
  }

  /**
   * Records what one request did, all together.
   *
   * @param actor the acting token's id, or a system actor
   * @param requestId null when there is none
   */
  public List<AuditRecord> record(
      String tenantId, String actor, String requestId, List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    if (entries.size() > AuditLog.MAX_RECORDS_PER_WRITE) {
      throw new IllegalArgumentException(
          entries.size()
              + " audit records for one request; at most "
              + AuditLog.MAX_RECORDS_PER_WRITE
              + " are written together");
    }
    List<AuditRecord> records = prepare(tenantId, actor, requestId, entries);
    log.append(records);
    return records;
  }

  /**
   * The records of what one request did, made (id, time, expiry, hash) but not written: for a
   * change that writes them in its own transaction.
   */
  public List<AuditRecord> prepare(
      String tenantId, String actor, String requestId, List<AuditEntry> entries) {
    Instant now = clock.instant();
    List<AuditRecord> records = new ArrayList<>(entries.size());
    for (AuditEntry entry : entries) {
      records.add(
          new AuditRecord(
                  Ids.newId(AuditRecord.ID_PREFIX, now),
                  tenantId,
                  now,
                  actor,
                  entry.type(),
                  entry.instanceId(),
                  entry.entitlements(),
                  entry.request(),
                  entry.result(),
                  requestId,
                  now.plus(retention),
                  null)
              .hashed());
    }
    return records;
  }

  /** A page of the caller's tenant's records, newest first (admin token). */
  public Page<AuditRecord> page(ApiToken caller, AuditFilter filter, PageRequest page) {
    caller.requireAdmin();
    if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
      throw new InvalidInputException("from", "from must be before to");
    }
    return log.page(caller.tenantId(), filter, page);
  }

  /**
   * The usage reports answered in {@code [from, to)} (at most {@link #MAX_REPORTS_RANGE}), newest
   * first, read from the trail a page of records at a time (admin token).
   */
  public Page<ReportedUsage> reports(ApiToken caller, Instant from, Instant to, PageRequest page) {
    caller.requireAdmin();
    ExportRange.check(from, to, MAX_REPORTS_RANGE, "a reports export");
    Page<AuditRecord> records =
        log.page(
            caller.tenantId(), new AuditFilter(null, null, ReportedUsage.TYPE, from, to), page);
    return new Page<>(
        records.items().stream().flatMap(record -> ReportedUsage.of(record).stream()).toList(),
        records.nextCursor());
  }

  /** Recomputes every record hash and the digest chain over {@code [from, to)} (admin token). */
  public Verification verify(ApiToken caller, Instant from, Instant to) {
    caller.requireAdmin();
    Instant now = clock.instant();
    Instant end = to == null ? now : to;
    if (from == null) {
      throw new InvalidInputException("from", "from is required: the start of the range to verify");
    }
    if (!from.isBefore(end)) {
      throw new InvalidInputException("from", "from must be before to");
    }
    if (Duration.between(from, end).compareTo(MAX_VERIFY_RANGE) > 0) {
      throw new InvalidInputException(
          "to", "verify at most " + MAX_VERIFY_RANGE.toDays() + " days at a time");
    }
    DigestKey digestKey =
        key.orElseThrow(
            () ->
                new IllegalStateException(
                    "no audit digest key: this function was started without one (KAITEN_AUDIT_DIGEST_KEY_ID)"));
    return new AuditVerifier(log, now, retention, digestKey).verify(caller.tenantId(), from, end);
  }
}
