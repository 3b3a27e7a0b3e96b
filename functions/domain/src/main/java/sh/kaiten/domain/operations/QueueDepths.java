package sh.kaiten.domain.operations;

/**
 * Port: how many messages wait on the deployment's queues (SQS' approximate count of visible
 * messages). The queues are the deployment's, shared by its tenants: a depth is an operator's
 * figure, never a count of one tenant's messages.
 */
@FunctionalInterface
public interface QueueDepths {
  /** The queues a connector's status shows. */
  enum Backlog {
    /** What usage writes counted, on their way to billing-sync. */
    BILLING,
    /** Billing messages billing-sync gave up on (after the queue's last receive). */
    BILLING_DEAD_LETTERS,
    /** Webhook deliveries and CRM pushes that failed their last attempt. */
    DELIVERIES_DEAD_LETTERS
  }

  long depth(Backlog backlog);
}
