package sh.kaiten.domain.billing;

import java.time.Instant;
import java.util.Optional;

/**
 * Port: what billing-sync did for each tenant's Stripe connector, for its status: a running tally
 * written once per billing message (not per report), read by the operator view.
 */
public interface StripeActivity {
  /**
   * What was recorded; an instant is null until the first of its kind.
   *
   * @param lastSentAt when Stripe last accepted meter events of the tenant
   * @param sent meter events Stripe accepted, in all
   * @param lastReportSentAt the newest report's timestamp in the last message sent
   * @param lastReportSeenAt the newest report's timestamp in the last message received, sent or not
   * @param errors messages that were not wholly sent (each comes back from the queue)
   */
  record Activity(
      Instant lastSentAt,
      long sent,
      Instant lastReportSentAt,
      Instant lastReportSeenAt,
      long errors,
      String lastError,
      Instant lastErrorAt) {}

  /** Stripe accepted {@code events} meter events of one message whose newest report is that. */
  void sent(String tenantId, int events, Instant newestReport, Instant at);

  /** A message was not wholly sent, for {@code reason}. */
  void failed(String tenantId, String reason, Instant newestReport, Instant at);

  Optional<Activity> find(String tenantId);
}
