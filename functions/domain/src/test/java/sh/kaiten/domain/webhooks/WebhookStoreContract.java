package sh.kaiten.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.PageWalk;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * What every {@link WebhookStore} does, run against the in-memory port and the DynamoDB adapter
 * alike: endpoints are created once, replaced only as read, listed oldest first; deliveries are
 * written once, attempted per round, restarted only when not pending, and listed newest first;
 * lists follow their cursors.
 */
public abstract class WebhookStoreContract {
  /**
   * The wall clock's present, to the second, not a pinned date: a delivery item expires 30 days
   * after it was made, and DynamoDB (Local too) deletes items past their TTL by the wall clock.
   */
  private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  /** The port under test; each test uses a tenant of its own, so a shared store is fine. */
  protected abstract WebhookStore store();

  private final String tenantId = "tnt_webhooks_" + System.nanoTime();

  private static WebhookEndpoint endpoint(String id, String url, Instant updatedAt) {
    return new WebhookEndpoint(
        id,
        url,
        "billing",
        List.of("usage.limit_reached"),
        "whsec_c2VjcmV0",
        null,
        null,
        AT,
        updatedAt);
  }

  private static Delivery delivery(String endpointId, int second) {
    Instant at = AT.plusSeconds(second);
    return new Delivery(
        Ids.newId(Delivery.ID_PREFIX, at),
        endpointId,
        "evt_" + second,
        "usage.limit_reached",
        "{\"id\":\"evt_" + second + "\"}",
        DeliveryStatus.PENDING,
        0,
        null,
        null,
        null,
        0,
        false,
        at,
        at);
  }

  @Test
  void anEndpointIsCreatedOnceReplacedOnlyAsReadAndDeletedOnce() {
    WebhookEndpoint created = endpoint("wh_1", "https://billing.example.com/hooks", AT);
    store().createEndpoint(tenantId, created, ChangeRecords.NONE);

    assertThatThrownBy(
            () ->
                store()
                    .createEndpoint(
                        tenantId,
                        endpoint("wh_1", "https://other.example.com", AT),
                        ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);
    assertThat(store().findEndpoint(tenantId, "wh_1")).contains(created);
    assertThat(store().findEndpoint("tnt_other_" + System.nanoTime(), "wh_1")).isEmpty();

    WebhookEndpoint changed =
        endpoint("wh_1", "https://billing.example.com/v2", AT.plusSeconds(60));
    store().updateEndpoint(tenantId, changed, AT, ChangeRecords.NONE);
    assertThat(store().findEndpoint(tenantId, "wh_1")).contains(changed);
    assertThatThrownBy(
            () ->
                store()
                    .updateEndpoint(
                        tenantId,
                        endpoint("wh_1", "https://stale.example.com", AT.plusSeconds(120)),
                        AT,
                        ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(
            () ->
                store()
                    .updateEndpoint(
                        tenantId,
                        endpoint("wh_none", "https://none.example.com", AT.plusSeconds(120)),
                        AT,
                        ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);

    assertThat(store().deleteEndpoint(tenantId, "wh_1", ChangeRecords.NONE)).isTrue();
    assertThat(store().deleteEndpoint(tenantId, "wh_1", ChangeRecords.NONE)).isFalse();
    assertThat(store().findEndpoint(tenantId, "wh_1")).isEmpty();
  }

  @Test
  void endpointsAreListedOldestFirstAcrossPages() {
    List<WebhookEndpoint> endpoints =
        List.of(
            endpoint("wh_a", "https://a.example.com", AT),
            endpoint("wh_b", "https://b.example.com", AT),
            endpoint("wh_c", "https://c.example.com", AT));
    for (int i = endpoints.size() - 1; i >= 0; i--) {
      store().createEndpoint(tenantId, endpoints.get(i), ChangeRecords.NONE);
    }

    assertThat(PageWalk.all(page -> store().endpoints(tenantId, page), 2))
        .containsExactlyElementsOf(endpoints);
    assertThat(store().allEndpoints(tenantId)).containsExactlyElementsOf(endpoints);
  }

  @Test
  void aDeliveryIsWrittenOnceAndListedNewestFirstAcrossPages() {
    Delivery first = delivery("wh_1", 0);
    Delivery second = delivery("wh_1", 1);
    Delivery third = delivery("wh_1", 2);
    Delivery elsewhere = delivery("wh_2", 3);

    assertThat(store().createDelivery(tenantId, first))
        .isEqualTo(new WebhookStore.Created(first, true));
    Delivery again =
        new Delivery(
            first.id(),
            "wh_1",
            "evt_other",
            first.eventType(),
            "{}",
            DeliveryStatus.PENDING,
            0,
            null,
            null,
            null,
            0,
            false,
            AT,
            AT);
    assertThat(store().createDelivery(tenantId, again))
        .isEqualTo(new WebhookStore.Created(first, false));
    List.of(second, third, elsewhere)
        .forEach(delivery -> store().createDelivery(tenantId, delivery));

    assertThat(PageWalk.all(page -> store().deliveries(tenantId, "wh_1", page), 2))
        .containsExactly(third, second, first);
    assertThat(store().findDelivery(tenantId, "wh_1", first.id())).contains(first);
    assertThat(store().findDelivery(tenantId, "wh_2", first.id())).isEmpty();
  }

  @Test
  void anAttemptCountsOnlyInItsRoundAndOnlyARoundNotPendingRestarts() {
    Delivery delivery = store().createDelivery(tenantId, delivery("wh_1", 0)).delivery();
    DeliveryTicket ticket = delivery.ticket(tenantId);

    assertThatThrownBy(
            () ->
                store().restartDelivery(tenantId, delivery, AT.plusSeconds(5), ChangeRecords.NONE))
        .isInstanceOf(ConflictException.class);
    assertThat(
            store()
                .recordAttempt(
                    tenantId,
                    ticket,
                    new AttemptResult(500, 12, null),
                    DeliveryStatus.FAILED,
                    AT.plusSeconds(10)))
        .isTrue();
    Delivery failed = store().findDelivery(tenantId, "wh_1", delivery.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.lastResponseCode()).isEqualTo(500);
    assertThat(failed.lastLatencyMs()).isEqualTo(12L);
    assertThat(failed.updatedAt()).isEqualTo(AT.plusSeconds(10));

    Delivery restarted =
        store().restartDelivery(tenantId, failed, AT.plusSeconds(20), ChangeRecords.NONE);
    assertThat(restarted.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(restarted.generation()).isEqualTo(1);
    assertThat(store().findDelivery(tenantId, "wh_1", delivery.id())).contains(restarted);
    assertThat(
            store()
                .recordAttempt(
                    tenantId,
                    ticket,
                    new AttemptResult(200, 5, null),
                    DeliveryStatus.SUCCEEDED,
                    AT.plusSeconds(30)))
        .isFalse();
    assertThat(
            store()
                .recordAttempt(
                    tenantId,
                    restarted.ticket(tenantId),
                    new AttemptResult(200, 5, null),
                    DeliveryStatus.SUCCEEDED,
                    AT.plusSeconds(30)))
        .isTrue();
    assertThat(store().findDelivery(tenantId, "wh_1", delivery.id()).orElseThrow().attempts())
        .isEqualTo(2);
  }
}
