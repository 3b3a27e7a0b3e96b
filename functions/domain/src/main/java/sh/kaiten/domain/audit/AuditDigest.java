package sh.kaiten.domain.audit;

import java.time.Instant;
import java.util.List;

/**
 * A seal over one hour of a tenant's audit records: their ids and hashes, chained to the digest
 * before it by that digest's hash (in the manner of CloudTrail's digest files). An hour with more
 * records than one item holds is sealed in several parts, each chained to the one before.
 *
 * @param hour the start of the hour sealed
 * @param part 1-based; {@code parts} says how many the hour has, so a missing last part shows
 * @param previousHash the hash of the digest before this one; empty for the tenant's first
 * @param signature {@link #hash} signed with the deployment's {@link DigestKey}
 */
public record AuditDigest(
    String tenantId,
    Instant hour,
    int part,
    int parts,
    String previousHash,
    List<Sealed> records,
    Instant sealedAt,
    Instant expiresAt,
    String hash,
    String signature) {
  /** How many record hashes one digest item carries (about 100 KB). */
  public static final int RECORDS_PER_PART = 1000;

  /** A record as the digest saw it. */
  public record Sealed(String id, String hash) {}

  public AuditDigest {
    records = List.copyOf(records);
  }

  public String computedHash() {
    Canonical canonical =
        new Canonical("audit-digest/1")
            .field(tenantId)
            .field(hour.toString())
            .field(Integer.toString(part))
            .field(Integer.toString(parts))
            .field(previousHash)
            .field(sealedAt.toString())
            .field(Integer.toString(records.size()));
    records.forEach(entry -> canonical.field(entry.id()).field(entry.hash()));
    return canonical.sha256();
  }

  public boolean intact() {
    return computedHash().equals(hash);
  }

  /** This digest with its hash taken and signed. */
  public AuditDigest sealed(DigestKey key) {
    String computed = computedHash();
    return new AuditDigest(
        tenantId,
        hour,
        part,
        parts,
        previousHash,
        records,
        sealedAt,
        expiresAt,
        computed,
        key.sign(computed));
  }
}
