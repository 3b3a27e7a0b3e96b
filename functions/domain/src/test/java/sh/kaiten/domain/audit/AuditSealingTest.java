package sh.kaiten.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.auditing.AuditSealer;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.memory.InMemoryAuditLog;
import sh.kaiten.domain.paging.Page;

/** The hourly seal and the verifier over an in-memory trail, with the clock in hand. */
class AuditSealingTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  private static final Tenant TENANT =
      new Tenant("ten_1", "Vendor", Instant.parse("2026-11-26T10:20:00Z"));
  private static final ApiToken ADMIN =
      new ApiToken("tok_1", "ten_1", TokenScope.ADMIN, null, null, TENANT.createdAt());

  private final InMemoryAuditLog log = new InMemoryAuditLog();
  private Instant now = TENANT.createdAt();
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final DigestKey key = new DigestKey("k".repeat(48));
  private final Auditing auditing = new Auditing(log, clock, RETENTION, Optional.of(key));
  private final AuditSealer sealer =
      new AuditSealer(log, page -> new Page<>(List.of(TENANT), null), clock, RETENTION, key);

  private void recordAt(String time, int count) {
    now = Instant.parse(time);
    for (int i = 0; i < count; i++) {
      now = now.plusMillis(1);
      auditing.record(
          TENANT.id(),
          "tok_1",
          "req-" + i,
          List.of(
              new AuditEntry(
                  "entitlement.evaluated", "inst-1", List.of("sso"), "{}", "{\"n\":" + i + "}")));
    }
  }

  private List<String> sealAt(String time) {
    now = Instant.parse(time);
    AuditSealer.SealRun run = sealer.sealDue();
    assertThat(run.failures()).isEmpty();
    return run.sealed();
  }

  private Verification verify(String from, String to) {
    return auditing.verify(ADMIN, Instant.parse(from), Instant.parse(to));
  }

  @Test
  void eachHourIsSealedOnceFiveMinutesAfterItEndsChainedToTheHourBefore() {
    recordAt("2026-11-26T10:30:00Z", 3);
    recordAt("2026-11-26T12:10:00Z", 2);

    assertThat(sealAt("2026-11-26T13:04:59Z"))
        .containsExactly("ten_1 2026-11-26T10:00:00Z 1/1", "ten_1 2026-11-26T11:00:00Z 1/1");
    assertThat(sealAt("2026-11-26T13:05:00Z")).containsExactly("ten_1 2026-11-26T12:00:00Z 1/1");
    assertThat(sealAt("2026-11-26T13:30:00Z")).isEmpty();

    List<AuditDigest> digests = List.copyOf(log.digests.values());
    assertThat(digests).extracting(d -> d.records().size()).containsExactly(3, 0, 2);
    assertThat(digests.get(0).previousHash()).isEmpty();
    assertThat(digests.get(1).previousHash()).isEqualTo(digests.get(0).hash());
    assertThat(digests.get(2).previousHash()).isEqualTo(digests.get(1).hash());
    assertThat(digests).allMatch(AuditDigest::intact);

    Verification verification = verify("2026-11-26T10:00:00Z", "2026-11-26T13:30:00Z");
    assertThat(verification.valid()).isTrue();
    assertThat(verification.recordsChecked()).isEqualTo(5);
    assertThat(verification.digestsChecked()).isEqualTo(3);
  }

  @Test
  void aBusyHourIsSealedInPartsAndAnInterruptedSealIsFinished() {
    recordAt("2026-11-26T10:30:00Z", 2500);
    assertThat(sealAt("2026-11-26T11:05:00Z"))
        .containsExactly(
            "ten_1 2026-11-26T10:00:00Z 1/3",
            "ten_1 2026-11-26T10:00:00Z 2/3",
            "ten_1 2026-11-26T10:00:00Z 3/3");
    AuditDigest third = log.digests.remove("ten_1#2026-11-26T10:00:00Z#0003");

    assertThat(verify("2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z").firstFailure().kind())
        .isEqualTo(Verification.Kind.DIGEST_MISSING);
    assertThat(sealAt("2026-11-26T11:06:00Z")).containsExactly("ten_1 2026-11-26T10:00:00Z 3/3");
    assertThat(log.digests.get("ten_1#2026-11-26T10:00:00Z#0003").records())
        .isEqualTo(third.records());
    assertThat(verify("2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z").valid()).isTrue();
  }

  @Test
  void aDigestTakenOutOfTheChainOrReplacedIsNamed() {
    recordAt("2026-11-26T10:30:00Z", 2);
    recordAt("2026-11-26T11:30:00Z", 2);
    recordAt("2026-11-26T12:30:00Z", 2);
    sealAt("2026-11-26T13:10:00Z");

    AuditDigest middle = log.digests.remove("ten_1#2026-11-26T11:00:00Z#0001");
    Verification gap = verify("2026-11-26T10:00:00Z", "2026-11-26T13:00:00Z");
    assertThat(gap.firstFailure().kind()).isEqualTo(Verification.Kind.DIGEST_MISSING);
    assertThat(gap.firstFailure().hour()).isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));

    // a forged digest, hashed right, listing one record fewer: it no longer links the chain
    AuditDigest forged =
        new AuditDigest(
                middle.tenantId(),
                middle.hour(),
                1,
                1,
                "0".repeat(64),
                middle.records().subList(0, 1),
                middle.sealedAt(),
                middle.expiresAt(),
                null,
                null)
            .sealed(key);
    log.digests.put("ten_1#2026-11-26T11:00:00Z#0001", forged);
    Verification broken = verify("2026-11-26T10:00:00Z", "2026-11-26T13:00:00Z");
    assertThat(broken.firstFailure().kind()).isEqualTo(Verification.Kind.CHAIN_BROKEN);
    assertThat(broken.firstFailure().hour()).isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
  }

  @Test
  void recordsOfAnHourLongPastWithNoDigestAreNotTakenOnTrust() {
    recordAt("2026-11-26T10:30:00Z", 2);
    now = Instant.parse("2026-11-26T12:00:00Z");

    Verification verification = verify("2026-11-26T10:00:00Z", "2026-11-26T12:00:00Z");
    assertThat(verification.firstFailure().kind()).isEqualTo(Verification.Kind.DIGEST_MISSING);

    now = Instant.parse("2026-11-26T11:03:00Z");
    Verification fresh = verify("2026-11-26T10:00:00Z", "2026-11-26T11:03:00Z");
    assertThat(fresh.valid()).isTrue();
    assertThat(fresh.unsealedRecords()).isEqualTo(2);
  }

  @Test
  void aRecordGoneAfterItsRetentionHasExpiredRatherThanBeenDeleted() {
    recordAt("2026-11-26T10:30:00Z", 3);
    sealAt("2026-11-26T11:05:00Z");
    List<String> ids = new ArrayList<>(log.records.keySet());
    log.records.remove(ids.get(1));

    now = Instant.parse("2026-11-27T00:00:00Z");
    Verification deleted = verify("2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z");
    assertThat(deleted.firstFailure().kind()).isEqualTo(Verification.Kind.RECORD_MISSING);
    assertThat(deleted.firstFailure().recordId()).isEqualTo(ids.get(1));

    now = Instant.parse("2026-11-26T11:00:00Z").plus(RETENTION).plusSeconds(1);
    assertThat(verify("2026-11-26T10:00:00Z", "2026-11-26T11:00:00Z").valid()).isTrue();
  }

  @Test
  void aRewrittenHourWithItsChainRecomputedIsCaughtByTheKeyItWasNotSignedWith() {
    recordAt("2026-11-26T10:30:00Z", 2);
    recordAt("2026-11-26T11:30:00Z", 2);
    sealAt("2026-11-26T12:10:00Z");

    // someone with the table but not the key changes a record, rehashes it, and reseals both hours
    AuditRecord original = log.records.values().iterator().next();
    AuditRecord changed =
        new AuditRecord(
            original.id(),
            original.tenantId(),
            original.at(),
            original.actor(),
            original.type(),
            original.instanceId(),
            original.entitlements(),
            original.request(),
            "{\"n\":99}",
            original.requestId(),
            original.expiresAt(),
            null);
    log.records.put(
        original.id(),
        new AuditRecord(
            changed.id(),
            changed.tenantId(),
            changed.at(),
            changed.actor(),
            changed.type(),
            changed.instanceId(),
            changed.entitlements(),
            changed.request(),
            changed.result(),
            changed.requestId(),
            changed.expiresAt(),
            changed.computedHash()));
    log.digests.clear();
    new AuditSealer(
            log,
            page -> new Page<>(List.of(TENANT), null),
            clock,
            RETENTION,
            new DigestKey("x".repeat(48)))
        .sealDue();

    Verification forged = verify("2026-11-26T10:00:00Z", "2026-11-26T12:00:00Z");
    assertThat(forged.firstFailure().kind()).isEqualTo(Verification.Kind.DIGEST_FORGED);
    assertThat(forged.firstFailure().hour()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
  }

  @Test
  void aRunStartsNoTenantPastItsBudgetAndTheNextRunGoesOn() {
    Tenant other = new Tenant("ten_2", "Other", TENANT.createdAt());
    AuditSealer twoTenants =
        new AuditSealer(
            log, page -> new Page<>(List.of(TENANT, other), null), clock, RETENTION, key);
    now = Instant.parse("2026-11-26T11:05:00Z");
    log.beforeRead = () -> now = now.plusSeconds(5); // each hour's read takes 5 s

    assertThat(twoTenants.sealDue().sealed()).containsExactly("ten_1 2026-11-26T10:00:00Z 1/1");
    assertThat(twoTenants.sealDue().sealed()).containsExactly("ten_2 2026-11-26T10:00:00Z 1/1");
  }

  @Test
  void aRecordIsHashedOverEveryFieldItKeeps() {
    recordAt("2026-11-26T10:30:00Z", 1);
    AuditRecord record = log.records.values().iterator().next();
    assertThat(record.intact()).isTrue();
    List<AuditRecord> changed =
        List.of(
            new AuditRecord(
                record.id(),
                "ten_2",
                record.at(),
                record.actor(),
                record.type(),
                record.instanceId(),
                record.entitlements(),
                record.request(),
                record.result(),
                record.requestId(),
                record.expiresAt(),
                record.hash()),
            new AuditRecord(
                record.id(),
                record.tenantId(),
                record.at(),
                record.actor(),
                record.type(),
                null,
                record.entitlements(),
                record.request(),
                record.result(),
                record.requestId(),
                record.expiresAt(),
                record.hash()),
            new AuditRecord(
                record.id(),
                record.tenantId(),
                record.at(),
                record.actor(),
                record.type(),
                record.instanceId(),
                List.of("sso", "x"),
                record.request(),
                record.result(),
                record.requestId(),
                record.expiresAt(),
                record.hash()),
            new AuditRecord(
                record.id(),
                record.tenantId(),
                record.at(),
                record.actor(),
                record.type(),
                record.instanceId(),
                record.entitlements(),
                record.request(),
                record.result(),
                record.requestId(),
                record.expiresAt().plusSeconds(1),
                record.hash()),
            // length prefixes: moving a character from one field to the next changes the hash
            new AuditRecord(
                record.id(),
                record.tenantId(),
                record.at(),
                record.actor(),
                record.type(),
                record.instanceId(),
                record.entitlements(),
                "{}{",
                record.result().substring(1),
                record.requestId(),
                record.expiresAt(),
                record.hash()));
    assertThat(changed).extracting(AuditRecord::intact).containsOnly(false);
    assertThat(record.computedHash()).isEqualTo(record.hash());
  }
}
