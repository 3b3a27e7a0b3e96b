package sh.kaiten.domain.billing;

import sh.kaiten.domain.outbox.AcceptedUsage;

/**
 * Port: where the outbox's stream puts what each write counted, for billing-sync. At least once:
 * the same {@link AcceptedUsage} may go out twice, with the same id and reports (the meter events'
 * identifiers and the sent-ledger make their billing once).
 */
@FunctionalInterface
public interface UsageStream {
  /** Puts {@code usage} on the stream, or throws. */
  void publish(AcceptedUsage usage);
}
