package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.billing.SentLedger;

/**
 * The sent-ledger in memory, for unit tests: one entry per identifier, decided atomically as the
 * DynamoDB conditional writes decide, and forgotten after {@link SentLedger#KEPT} like the table's
 * TTL.
 */
public final class InMemorySentLedger implements SentLedger {
  private record Entry(Instant claimedAt, Instant sentAt, Instant expiresAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Claim claim(String identifier, Instant now) {
    Claim[] found = new Claim[1];
    entries.compute(
        identifier,
        (id, entry) -> {
          if (entry == null || entry.expiresAt().isBefore(now)) {
            found[0] = new Claim.Fresh();
            return new Entry(now, null, now.plus(KEPT));
          }
          found[0] =
              entry.sentAt() != null
                  ? new Claim.Sent(entry.sentAt())
                  : new Claim.Pending(entry.claimedAt());
          return entry;
        });
    return found[0];
  }

  @Override
  public boolean markSent(String identifier, Instant now) {
    boolean[] recorded = new boolean[1];
    entries.compute(
        identifier,
        (id, entry) -> {
          if (entry != null && entry.sentAt() != null && !entry.expiresAt().isBefore(now)) {
            return entry;
          }
          recorded[0] = true;
          Instant claimedAt = entry == null ? now : entry.claimedAt();
          return new Entry(claimedAt, now, now.plus(KEPT));
        });
    return recorded[0];
  }

  /** How many identifiers are marked sent. */
  public long sent() {
    return entries.values().stream().filter(entry -> entry.sentAt() != null).count();
  }
}
