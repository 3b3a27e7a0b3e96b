package sh.kaiten.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.PageWalk;

/**
 * What every {@link AuditLog} does, run against the in-memory port and the DynamoDB adapter alike:
 * records are put once and together, read back oldest first by time or newest first by page
 * (filtered, following cursors), and each hour's digest is sealed once.
 */
public abstract class AuditLogContract {
  private static final Instant T0 = Instant.parse("2026-12-04T10:15:30Z");

  /** The port under test; each test uses a tenant of its own, so a shared store is fine. */
  protected abstract AuditLog log();

  private final String tenantId = "tnt_audit_" + System.nanoTime();

  private AuditRecord record(int second, String instanceId, String type, String entitlement) {
    Instant at = T0.plusSeconds(second);
    String id = Ids.newId(AuditRecord.ID_PREFIX, at);
    AuditRecord unhashed =
        new AuditRecord(
            id,
            tenantId,
            at,
            "tok_test",
            type,
            instanceId,
            List.of(entitlement),
            "{}",
            "{\"status\":\"ACCEPTED\"}",
            "req-" + second,
            at.plus(Duration.ofDays(400)),
            null);
    return new AuditRecord(
        id,
        tenantId,
        at,
        "tok_test",
        type,
        instanceId,
        List.of(entitlement),
        "{}",
        "{\"status\":\"ACCEPTED\"}",
        "req-" + second,
        at.plus(Duration.ofDays(400)),
        unhashed.computedHash());
  }

  private List<AuditRecord> allPages(AuditFilter filter, int limit) {
    return PageWalk.all(page -> log().page(tenantId, filter, page), limit);
  }

  @Test
  void recordsAreReadBackOldestFirstWithinTheirTime() {
    AuditRecord first = record(0, "acme-prod", "usage.reported", "api-calls");
    AuditRecord second = record(1, "acme-prod", "usage.reported", "api-calls");
    AuditRecord third = record(2, "acme-prod", "usage.reported", "api-calls");
    log().append(List.of(third));
    log().append(List.of(first, second));

    assertThat(log().records(tenantId, T0, T0.plusSeconds(2))).containsExactly(first, second);
    assertThat(log().records(tenantId, T0, T0.plusSeconds(3)))
        .containsExactly(first, second, third);
    assertThat(log().records("tnt_other_" + System.nanoTime(), T0, T0.plusSeconds(3))).isEmpty();
  }

  @Test
  void aRecordIsPutOnceAndABatchMeetingAnExistingOneWritesNothing() {
    AuditRecord first = record(0, "acme-prod", "usage.reported", "api-calls");
    log().append(List.of(first));
    AuditRecord fresh = record(1, "acme-prod", "usage.reported", "api-calls");
    AuditRecord forged =
        new AuditRecord(
            first.id(),
            tenantId,
            first.at(),
            "tok_forger",
            first.type(),
            first.instanceId(),
            first.entitlements(),
            "{}",
            "{\"status\":\"REJECTED\"}",
            "req-x",
            first.expiresAt(),
            "forged");

    assertThatThrownBy(() -> log().append(List.of(forged))).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> log().append(List.of(fresh, forged)))
        .isInstanceOf(RuntimeException.class);

    assertThat(log().records(tenantId, T0, T0.plusSeconds(10))).containsExactly(first);
  }

  @Test
  void pagesAreNewestFirstFilteredAndFollowTheirCursorsToTheEnd() {
    List<AuditRecord> records =
        List.of(
            record(0, "acme-prod", "usage.reported", "api-calls"),
            record(1, "acme-dev", "usage.reported", "api-calls"),
            record(2, "acme-prod", "entitlement.evaluated", "sso"),
            record(3, "acme-prod", "usage.reported", "storage"),
            record(4, "acme-prod", "usage.reported", "api-calls"),
            record(5, null, "tier.created", "pro"));
    log().append(records);

    assertThat(allPages(new AuditFilter(null, null, null, null, null), 2))
        .containsExactly(
            records.get(5),
            records.get(4),
            records.get(3),
            records.get(2),
            records.get(1),
            records.get(0));
    assertThat(allPages(new AuditFilter("acme-prod", null, null, null, null), 2))
        .containsExactly(records.get(4), records.get(3), records.get(2), records.get(0));
    assertThat(allPages(new AuditFilter(null, null, "usage.reported", null, null), 1))
        .containsExactly(records.get(4), records.get(3), records.get(1), records.get(0));
    assertThat(allPages(new AuditFilter("acme-prod", "api-calls", "usage.reported", null, null), 3))
        .containsExactly(records.get(4), records.get(0));
    assertThat(
            allPages(new AuditFilter(null, null, null, T0.plusSeconds(1), T0.plusSeconds(4)), 10))
        .containsExactly(records.get(3), records.get(2), records.get(1));
  }

  @Test
  void anHoursDigestIsSealedOnceAndReadInChainOrder() {
    Instant ten = Instant.parse("2026-12-04T10:00:00Z");
    AuditDigest tenOne = digest(ten, 1, 2, "");
    AuditDigest tenTwo = digest(ten, 2, 2, tenOne.hash());
    AuditDigest eleven = digest(ten.plus(Duration.ofHours(1)), 1, 1, tenTwo.hash());

    assertThat(log().seal(tenOne)).isTrue();
    assertThat(log().seal(eleven)).isTrue();
    assertThat(log().seal(tenTwo)).isTrue();
    assertThat(log().seal(digest(ten, 1, 2, "another"))).isFalse();

    assertThat(log().digests(tenantId, ten, ten.plus(Duration.ofHours(2))))
        .containsExactly(tenOne, tenTwo, eleven);
    assertThat(log().digests(tenantId, ten, ten.plus(Duration.ofHours(1))))
        .containsExactly(tenOne, tenTwo);
    assertThat(log().digestBefore(tenantId, ten.plus(Duration.ofHours(1)))).contains(tenTwo);
    assertThat(log().digestBefore(tenantId, ten.plus(Duration.ofHours(5)))).contains(eleven);
    assertThat(log().digestBefore(tenantId, ten)).isEmpty();
  }

  private AuditDigest digest(Instant hour, int part, int parts, String previousHash) {
    AuditRecord sealed = record(part, "acme-prod", "usage.reported", "api-calls");
    AuditDigest unsigned =
        new AuditDigest(
            tenantId,
            hour,
            part,
            parts,
            previousHash,
            List.of(new AuditDigest.Sealed(sealed.id(), sealed.hash())),
            hour.plus(Duration.ofHours(1)),
            hour.plus(Duration.ofDays(400)),
            null,
            null);
    return new AuditDigest(
        tenantId,
        hour,
        part,
        parts,
        previousHash,
        unsigned.records(),
        unsigned.sealedAt(),
        unsigned.expiresAt(),
        unsigned.computedHash(),
        "sig-" + part);
  }
}
