package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditDigest;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The audit port in memory, for unit tests; {@link #records} and {@link #digests} are open for
 * tampering.
 */
public final class InMemoryAuditLog implements AuditLog {
  public final Map<String, AuditRecord> records = new ConcurrentSkipListMap<>();
  public final Map<String, AuditDigest> digests = new ConcurrentSkipListMap<>();

  /** How many append calls there were (each is one write request in DynamoDB). */
  public final List<Integer> appends = new ArrayList<>();

  /** Runs before each read of records, e.g. to move a test clock as a slow read would. */
  public volatile Runnable beforeRead = () -> {};

  @Override
  public synchronized void append(List<AuditRecord> batch) {
    appends.add(batch.size());
    // All or nothing, as DynamoDB's conditional put or transaction: one record that exists refuses
    // the batch.
    batch.stream()
        .filter(record -> records.containsKey(record.id()))
        .findFirst()
        .ifPresent(
            record -> {
              throw new IllegalStateException("audit record " + record.id() + " exists");
            });
    batch.forEach(record -> records.put(record.id(), record));
  }

  @Override
  public Page<AuditRecord> page(String tenantId, AuditFilter filter, PageRequest page) {
    String low = filter.from() == null ? "" : Ids.floor(AuditRecord.ID_PREFIX, filter.from());
    String high = filter.to() == null ? null : Ids.floor(AuditRecord.ID_PREFIX, filter.to());
    List<AuditRecord> matching =
        records.values().stream()
            .filter(r -> r.tenantId().equals(tenantId))
            .filter(r -> filter.instanceId() == null || filter.instanceId().equals(r.instanceId()))
            .filter(r -> filter.type() == null || filter.type().equals(r.type()))
            .filter(
                r ->
                    filter.entitlement() == null || r.entitlements().contains(filter.entitlement()))
            .filter(r -> r.id().compareTo(low) >= 0 && (high == null || r.id().compareTo(high) < 0))
            .toList();
    return InMemoryPages.page(matching, AuditRecord::id, false, page);
  }

  @Override
  public List<AuditRecord> records(String tenantId, Instant from, Instant to) {
    beforeRead.run();
    String low = Ids.floor(AuditRecord.ID_PREFIX, from);
    String high = Ids.floor(AuditRecord.ID_PREFIX, to);
    return records.values().stream()
        .filter(r -> r.tenantId().equals(tenantId))
        .filter(r -> r.id().compareTo(low) >= 0 && r.id().compareTo(high) < 0)
        .toList();
  }

  @Override
  public List<AuditDigest> digests(String tenantId, Instant from, Instant to) {
    return digests.values().stream()
        .filter(d -> d.tenantId().equals(tenantId))
        .filter(d -> !d.hour().isBefore(from) && d.hour().isBefore(to))
        .toList();
  }

  @Override
  public Optional<AuditDigest> digestBefore(String tenantId, Instant hour) {
    List<AuditDigest> before =
        new ArrayList<>(
            digests.values().stream()
                .filter(d -> d.tenantId().equals(tenantId) && d.hour().isBefore(hour))
                .toList());
    return before.isEmpty() ? Optional.empty() : Optional.of(before.get(before.size() - 1));
  }

  @Override
  public boolean seal(AuditDigest digest) {
    return digests.putIfAbsent(key(digest), digest) == null;
  }

  public static String key(AuditDigest digest) {
    return digest.tenantId() + "#" + digest.hour() + "#" + String.format("%04d", digest.part());
  }
}
