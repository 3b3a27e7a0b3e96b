package sh.kaiten.domain.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import sh.kaiten.domain.audit.Verification.Failure;
import sh.kaiten.domain.audit.Verification.Kind;

/**
 * Recomputes a range of the trail hour by hour: each digest's hash, its signature and its link to
 * the one before, then each record's hash against its own fields and against what its hour's digest
 * sealed. The first mismatch, in time order, is the answer.
 */
public final class AuditVerifier {
  private final AuditLog log;
  private final Instant now;
  private final Duration retention;
  private final DigestKey key;

  public AuditVerifier(AuditLog log, Instant now, Duration retention, DigestKey key) {
    this.log = log;
    this.now = now;
    this.retention = retention;
    this.key = key;
  }

  public Verification verify(String tenantId, Instant from, Instant to) {
    Instant first = from.truncatedTo(ChronoUnit.HOURS);
    Instant end =
        to.truncatedTo(ChronoUnit.HOURS).equals(to)
            ? to
            : to.truncatedTo(ChronoUnit.HOURS).plus(Hours.ONE);
    TreeMap<Instant, List<AuditDigest>> digests =
        log.digests(tenantId, first, end).stream()
            .collect(Collectors.groupingBy(AuditDigest::hour, TreeMap::new, Collectors.toList()));
    Optional<AuditDigest> before = log.digestBefore(tenantId, first);
    Instant lastSealed =
        digests.isEmpty() ? before.map(AuditDigest::hour).orElse(null) : digests.lastKey();
    Tally tally = new Tally();
    String previousHash = before.map(AuditDigest::hash).orElse(null);
    for (Instant hour = first; hour.isBefore(end); hour = hour.plus(Hours.ONE)) {
      List<AuditRecord> records = log.records(tenantId, hour, hour.plus(Hours.ONE));
      List<AuditDigest> parts = digests.getOrDefault(hour, List.of());
      Failure failure;
      if (parts.isEmpty()) {
        failure =
            unsealedHour(
                hour,
                records,
                previousHash != null && lastSealed != null && hour.isBefore(lastSealed),
                tally);
      } else {
        failure = chain(hour, parts, previousHash, tally);
        if (failure == null) {
          failure = sealedHour(hour, parts, records, tally);
        }
        previousHash = parts.get(parts.size() - 1).hash();
      }
      if (failure != null) {
        return tally.result(from, to, failure);
      }
    }
    return tally.result(from, to, null);
  }

  /**
   * An hour with no digest: a gap when the chain runs past it, missing when it is long past
   * sealing.
   */
  private Failure unsealedHour(
      Instant hour, List<AuditRecord> records, boolean chainRunsPast, Tally tally) {
    if (chainRunsPast
        || (!records.isEmpty() && hour.plus(Hours.ONE).plus(Hours.SEALING_DELAY).isBefore(now))) {
      return new Failure(
          Kind.DIGEST_MISSING, null, hour, "the hour starting " + hour + " has no digest");
    }
    for (AuditRecord record : records) {
      tally.records++;
      if (!record.intact()) {
        return changed(record, hour);
      }
      tally.unsealed++;
    }
    return null;
  }

  private Failure chain(Instant hour, List<AuditDigest> parts, String previousHash, Tally tally) {
    int expectedParts = parts.get(0).parts();
    for (int i = 0; i < parts.size(); i++) {
      AuditDigest part = parts.get(i);
      tally.digests++;
      if (!part.intact()) {
        return new Failure(
            Kind.DIGEST_CHANGED,
            null,
            hour,
            "digest part "
                + part.part()
                + " of the hour starting "
                + hour
                + " does not match its hash");
      }
      if (!key.signed(part)) {
        return new Failure(
            Kind.DIGEST_FORGED,
            null,
            hour,
            "digest part "
                + part.part()
                + " of the hour starting "
                + hour
                + " is not signed with this deployment's digest key");
      }
      if (part.part() != i + 1) {
        return new Failure(
            Kind.DIGEST_MISSING,
            null,
            hour,
            "digest part " + (i + 1) + " of the hour starting " + hour + " is missing");
      }
      if (previousHash != null && !previousHash.equals(part.previousHash())) {
        return new Failure(
            Kind.CHAIN_BROKEN,
            null,
            hour,
            "digest part "
                + part.part()
                + " of the hour starting "
                + hour
                + " does not follow the digest before it");
      }
      previousHash = part.hash();
    }
    if (parts.size() != expectedParts) {
      return new Failure(
          Kind.DIGEST_MISSING,
          null,
          hour,
          "the hour starting "
              + hour
              + " has "
              + parts.size()
              + " of its "
              + expectedParts
              + " digest parts");
    }
    return null;
  }

  /** Walks the sealed ids and the stored records together, in id order. */
  private Failure sealedHour(
      Instant hour, List<AuditDigest> parts, List<AuditRecord> records, Tally tally) {
    boolean expired = hour.plus(Hours.ONE).plus(retention).isBefore(now);
    Iterator<AuditDigest.Sealed> sealed =
        parts.stream().flatMap(p -> p.records().stream()).iterator();
    Iterator<AuditRecord> stored = records.iterator();
    AuditDigest.Sealed nextSealed = sealed.hasNext() ? sealed.next() : null;
    AuditRecord nextStored = stored.hasNext() ? stored.next() : null;
    while (nextSealed != null || nextStored != null) {
      int order =
          nextSealed == null
              ? 1
              : nextStored == null ? -1 : nextSealed.id().compareTo(nextStored.id());
      if (order < 0) {
        if (!expired) {
          return new Failure(
              Kind.RECORD_MISSING,
              nextSealed.id(),
              hour,
              "record " + nextSealed.id() + " was sealed and is gone");
        }
        nextSealed = sealed.hasNext() ? sealed.next() : null;
        continue;
      }
      tally.records++;
      if (order > 0) {
        return new Failure(
            Kind.RECORD_NOT_SEALED,
            nextStored.id(),
            hour,
            "record "
                + nextStored.id()
                + " is not in its hour's digest: it was added after the hour was sealed");
      }
      if (!nextStored.intact() || !nextStored.hash().equals(nextSealed.hash())) {
        return changed(nextStored, hour);
      }
      nextSealed = sealed.hasNext() ? sealed.next() : null;
      nextStored = stored.hasNext() ? stored.next() : null;
    }
    return null;
  }

  private static Failure changed(AuditRecord record, Instant hour) {
    return new Failure(
        Kind.RECORD_CHANGED,
        record.id(),
        hour,
        "record " + record.id() + " does not match the hash it was written with");
  }

  private static final class Tally {
    int records;
    int digests;
    int unsealed;

    Verification result(Instant from, Instant to, Failure failure) {
      return new Verification(from, to, records, digests, unsealed, failure);
    }
  }
}
