package sh.kaiten.domain.crm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.operations.QueueDepths;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookStore;

/**
 * Use case: how the tenant's CRM connector is doing (admin token), from the log of its latest
 * pushes: when one last arrived, how long the oldest still pending has waited, how many failed and
 * why the last failure, and the deployment's deliveries dead-letter queue depth.
 */
public final class CrmConnectorStatus {
  /** How many of the latest pushes the status reads. */
  public static final int WINDOW = PageRequest.MAX_LIMIT;

  private final CrmConnectors connectors;
  private final WebhookStore deliveries;
  private final QueueDepths queues;
  private final Clock clock;

  public CrmConnectorStatus(
      CrmConnectors connectors, WebhookStore deliveries, QueueDepths queues, Clock clock) {
    this.connectors = connectors;
    this.deliveries = deliveries;
    this.queues = queues;
    this.clock = clock;
  }

  /**
   * Over the latest {@link #WINDOW} pushes.
   *
   * @param lastSentAt when the newest push the receiver took was taken; null if none was
   * @param lag how long the oldest pending push has waited; zero when none is pending
   * @param failed pushes that failed their last attempt
   * @param lastError the newest push's error that has one (a refused answer, a timeout...)
   * @param deadLetterDepth deliveries in the deliveries dead-letter queue, every tenant's webhooks'
   *     and pushes'
   */
  public record Status(
      int pushes,
      Instant lastSentAt,
      int pending,
      Duration lag,
      int failed,
      String lastError,
      Instant lastErrorAt,
      long deadLetterDepth) {}

  public Status status(ApiToken caller) {
    caller.requireAdmin();
    connectors.find(caller.tenantId()).orElseThrow(() -> new NotFoundException("connector", "crm"));
    List<Delivery> latest =
        deliveries
            .deliveries(caller.tenantId(), CrmConnector.ENDPOINT_ID, new PageRequest(null, WINDOW))
            .items();
    Instant now = clock.instant();
    Optional<Delivery> lastSent =
        latest.stream()
            .filter(d -> d.status() == DeliveryStatus.SUCCEEDED)
            .max(Comparator.comparing(Delivery::updatedAt));
    Optional<Delivery> oldestPending =
        latest.stream()
            .filter(d -> d.status() == DeliveryStatus.PENDING)
            .min(Comparator.comparing(Delivery::createdAt));
    Optional<Delivery> lastError =
        latest.stream()
            .filter(d -> d.lastError() != null)
            .max(Comparator.comparing(Delivery::updatedAt));
    return new Status(
        latest.size(),
        lastSent.map(Delivery::updatedAt).orElse(null),
        (int) latest.stream().filter(d -> d.status() == DeliveryStatus.PENDING).count(),
        oldestPending.map(d -> Duration.between(d.createdAt(), now)).orElse(Duration.ZERO),
        (int) latest.stream().filter(d -> d.status() == DeliveryStatus.FAILED).count(),
        lastError.map(Delivery::lastError).orElse(null),
        lastError.map(Delivery::updatedAt).orElse(null),
        queues.depth(QueueDepths.Backlog.DELIVERIES_DEAD_LETTERS));
  }
}
