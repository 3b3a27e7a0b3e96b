package sh.kaiten.domain.auditing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import sh.kaiten.domain.audit.AuditDigest;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.DigestKey;
import sh.kaiten.domain.audit.Hours;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The scheduler's sealing job: each hour of each tenant's trail, from the tenant's first hour on,
 * gets a digest once it is over (and {@link Hours#SEALING_DELAY} has passed), chained to the hour
 * before. Empty hours are sealed too, so the chain has no gaps to hide a deleted hour in. A run
 * seals at most {@link #HOURS_PER_RUN} hours of a tenant and starts no tenant after {@link
 * #BUDGET}; the next run goes on from there (a tenant caught up has work once an hour, so none
 * waits for long).
 */
public final class AuditSealer {
  static final int HOURS_PER_RUN = 48;

  /**
   * How long one run goes on starting tenants: it shares the scheduler's 15 s with the other jobs.
   */
  static final Duration BUDGET = Duration.ofSeconds(4);

  private final AuditLog log;
  private final Function<PageRequest, Page<Tenant>> tenants;
  private final Clock clock;
  private final Duration retention;
  private final DigestKey key;

  /**
   * @param tenants every tenant, page by page
   * @param key signs each digest
   */
  public AuditSealer(
      AuditLog log,
      Function<PageRequest, Page<Tenant>> tenants,
      Clock clock,
      Duration retention,
      DigestKey key) {
    this.key = key;
    this.log = log;
    this.tenants = tenants;
    this.clock = clock;
    this.retention = retention;
  }

  /** What a run sealed: each digest as "tenant hour part/parts", and each tenant that failed. */
  public record SealRun(List<String> sealed, List<String> failures) {}

  public SealRun sealDue() {
    Instant now = clock.instant();
    Instant lastDue = now.minus(Hours.SEALING_DELAY).truncatedTo(ChronoUnit.HOURS).minus(Hours.ONE);
    List<String> sealed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Instant stop = now.plus(BUDGET);
    for (Tenant tenant : Page.all(tenants)) {
      if (clock.instant().isAfter(stop)) {
        break;
      }
      try {
        seal(tenant, lastDue, now, sealed);
      } catch (RuntimeException e) {
        failures.add("tenant " + tenant.id() + ": " + e.getMessage());
      }
    }
    return new SealRun(sealed, failures);
  }

  private void seal(Tenant tenant, Instant lastDue, Instant now, List<String> sealed) {
    Optional<AuditDigest> last = log.digestBefore(tenant.id(), lastDue.plus(Hours.ONE));
    // a run that stopped between the parts of an hour left it to finish: from the part after its
    // last
    boolean unfinished = last.isPresent() && last.get().part() < last.get().parts();
    Instant hour =
        last.map(d -> unfinished ? d.hour() : d.hour().plus(Hours.ONE))
            .orElse(tenant.createdAt().truncatedTo(ChronoUnit.HOURS));
    int fromPart = unfinished ? last.get().part() + 1 : 1;
    String previousHash = last.map(AuditDigest::hash).orElse("");
    for (int n = 0;
        n < HOURS_PER_RUN && !hour.isAfter(lastDue);
        n++, hour = hour.plus(Hours.ONE), fromPart = 1) {
      for (AuditDigest digest : digests(tenant.id(), hour, fromPart, previousHash, now)) {
        if (!log.seal(digest)) {
          return; // another run sealed this hour first; the next run goes on from its digest
        }
        sealed.add(tenant.id() + " " + hour + " " + digest.part() + "/" + digest.parts());
        previousHash = digest.hash();
      }
    }
  }

  private List<AuditDigest> digests(
      String tenantId, Instant hour, int fromPart, String previousHash, Instant now) {
    List<AuditDigest.Sealed> records =
        log.records(tenantId, hour, hour.plus(Hours.ONE)).stream()
            .map(r -> new AuditDigest.Sealed(r.id(), r.hash()))
            .toList();
    int parts =
        Math.max(
            1, (records.size() + AuditDigest.RECORDS_PER_PART - 1) / AuditDigest.RECORDS_PER_PART);
    // digests outlive the records they seal by a day, so the last records' expiry can still be told
    // from deletion
    Instant expiresAt = hour.plus(Hours.ONE).plus(retention).plus(Duration.ofDays(1));
    List<AuditDigest> digests = new ArrayList<>(parts);
    for (int part = fromPart; part <= parts; part++) {
      List<AuditDigest.Sealed> slice =
          records.subList(
              (part - 1) * AuditDigest.RECORDS_PER_PART,
              Math.min(records.size(), part * AuditDigest.RECORDS_PER_PART));
      AuditDigest digest =
          new AuditDigest(
                  tenantId, hour, part, parts, previousHash, slice, now, expiresAt, null, null)
              .sealed(key);
      digests.add(digest);
      previousHash = digest.hash();
    }
    return digests;
  }
}
