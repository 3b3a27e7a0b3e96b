package sh.kaiten.domain.billing;

/** Port: where billing-sync's jobs wait (the billing queue, beside the counted reports). */
@FunctionalInterface
public interface BillingJobs {
  /** Puts {@code job} on the queue, or throws. */
  void enqueue(BillingJob job);
}
