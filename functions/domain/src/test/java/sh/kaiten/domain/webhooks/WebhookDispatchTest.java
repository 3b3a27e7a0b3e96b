package sh.kaiten.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.memory.InMemoryAuditLog;
import sh.kaiten.domain.memory.InMemoryWebhooks;
import sh.kaiten.domain.outbox.ChangeJournal;

class WebhookDispatchTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  private static final String TENANT = "ten_1";

  private final InMemoryWebhooks store = new InMemoryWebhooks();
  private final List<String> posted = new ArrayList<>();
  private final AtomicInteger answer = new AtomicInteger(204);
  private final WebhookTransport transport =
      (url, id, timestamp, payload, secrets) -> {
        posted.add(id + " " + secrets);
        int code = answer.get();
        return new AttemptResult(code, 7, code < 300 ? null : "answered " + code);
      };
  private final RetrySchedule schedule =
      new RetrySchedule(
          List.of(
              Duration.ofSeconds(10),
              Duration.ofMinutes(1),
              Duration.ofMinutes(5),
              Duration.ofMinutes(30)),
          0.2);
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final WebhookDispatch dispatch =
      new WebhookDispatch(
          store,
          store,
          transport,
          schedule,
          clock,
          () -> 0.5,
          new Auditing(audit, clock, Duration.ofDays(400)));
  private final Webhooks admin =
      new Webhooks(store, url -> {}, ChangeJournal.SILENT, clock, Duration.ofHours(24));
  private final ApiToken caller = new ApiToken("tok_1", TENANT, TokenScope.ADMIN, null, null, NOW);

  private final Event event =
      new Event(
          "evt_1",
          TENANT,
          EventType.LICENSE_CREATED,
          NOW,
          JsonNodeFactory.instance.objectNode().put("license_id", "lic_1"));

  private WebhookEndpoint endpoint(String id, List<String> types) {
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            id,
            "https://hooks.example.com/" + id,
            null,
            types,
            "whsec_" + id,
            null,
            null,
            NOW,
            NOW);
    store.createEndpoint(TENANT, endpoint, sh.kaiten.domain.outbox.ChangeRecords.NONE);
    return endpoint;
  }

  @Test
  void theFanOutMakesOneDeliveryPerSubscribedEndpointOnceHoweverOftenTheEventComes() {
    endpoint("wh_a", List.of("*"));
    endpoint("wh_b", List.of("license.created"));
    endpoint("wh_c", List.of("license.expired"));

    List<Delivery> first = dispatch.fanOut(event);
    List<Delivery> again = dispatch.fanOut(event);

    assertThat(first).extracting(Delivery::endpointId).containsExactly("wh_a", "wh_b");
    assertThat(again).isEmpty();
    assertThat(store.enqueued)
        .extracting(DeliveryTicket::endpointId)
        .containsExactly("wh_a", "wh_b");
    Delivery delivery = first.get(0);
    assertThat(delivery.id())
        .isEqualTo(Delivery.of(event, "wh_a", NOW.plusSeconds(60)).id())
        .startsWith("dlv_");
    assertThat(delivery.payload())
        .isEqualTo(
            "{\"id\":\"evt_1\",\"type\":\"license.created\","
                + "\"created_at\":\"2026-11-26T10:00:00Z\",\"data\":{\"license_id\":\"lic_1\"}}");
  }

  @Test
  void aFanOutThatStoppedBeforeEnqueueingIsCompletedByTheRedeliveredEvent() {
    endpoint("wh_a", List.of("*"));
    store.createDelivery(TENANT, Delivery.of(event, "wh_a", NOW));

    assertThat(dispatch.fanOut(event)).hasSize(1);
    assertThat(dispatch.fanOut(event)).isEmpty();
    assertThat(store.enqueued).hasSize(1);
  }

  @Test
  void failedAttemptsAreRetriedOnTheScheduleAndTheFifthGivesUp() {
    endpoint("wh_a", List.of("*"));
    DeliveryTicket ticket = dispatch.fanOut(event).get(0).ticket(TENANT);
    answer.set(500);

    assertThat(dispatch.attempt(ticket, 1))
        .isEqualTo(new AttemptOutcome(AttemptOutcome.Next.RETRY, Duration.ofSeconds(10)));
    assertThat(dispatch.attempt(ticket, 2))
        .isEqualTo(new AttemptOutcome(AttemptOutcome.Next.RETRY, Duration.ofMinutes(1)));
    assertThat(dispatch.attempt(ticket, 3))
        .isEqualTo(new AttemptOutcome(AttemptOutcome.Next.RETRY, Duration.ofMinutes(5)));
    assertThat(dispatch.attempt(ticket, 4))
        .isEqualTo(new AttemptOutcome(AttemptOutcome.Next.RETRY, Duration.ofMinutes(30)));
    assertThat(dispatch.attempt(ticket, 5).next()).isEqualTo(AttemptOutcome.Next.GIVE_UP);

    Delivery failed = store.findDelivery(TENANT, "wh_a", ticket.deliveryId()).orElseThrow();
    assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(5);
    assertThat(failed.lastResponseCode()).isEqualTo(500);
    assertThat(failed.lastError()).isEqualTo("answered 500");
    assertThat(posted).hasSize(5).containsOnly(ticket.deliveryId() + " [whsec_wh_a]");

    // every attempt is in the audit trail, each written on its own before its message is done with
    assertThat(audit.appends).containsExactly(1, 1, 1, 1, 1);
    assertThat(audit.records.values())
        .extracting(AuditRecord::type)
        .containsOnly(WebhookDispatch.ATTEMPTED);
    assertThat(audit.records.values())
        .extracting(AuditRecord::actor)
        .containsOnly("system:webhook-dispatcher");
    // (a fixed clock gives every record the same millisecond, so their ids do not say the order)
    assertThat(audit.records.values())
        .extracting(r -> r.request().replaceAll(".*\"attempt\":(\\d+).*", "$1"))
        .containsExactlyInAnyOrder("1", "2", "3", "4", "5");
    AuditRecord last =
        audit.records.values().stream()
            .filter(r -> r.request().contains("\"attempt\":5"))
            .findFirst()
            .orElseThrow();
    assertThat(last.result())
        .isEqualTo(
            "{\"status\":\"FAILED\",\"response_code\":500,\"latency_ms\":7,\"error\":\"answered 500\"}");
    assertThat(last.request())
        .isEqualTo(
            "{\"webhook_id\":\"wh_a\",\"url\":\"https://hooks.example.com/wh_a\",\"delivery_id\":\""
                + ticket.deliveryId()
                + "\",\"event_id\":\"evt_1\",\"event_type\":\"license.created\",\"attempt\":5}");
    assertThat(last.intact()).isTrue();
  }

  @Test
  void aDeliveredOrSupersededOrOrphanedMessageIsDoneWithoutARequest() {
    endpoint("wh_a", List.of("*"));
    DeliveryTicket ticket = dispatch.fanOut(event).get(0).ticket(TENANT);

    assertThat(dispatch.attempt(ticket, 1).next()).isEqualTo(AttemptOutcome.Next.DONE);
    assertThat(dispatch.attempt(ticket, 2).next()).isEqualTo(AttemptOutcome.Next.DONE);
    assertThat(posted).hasSize(1);

    Delivery restarted = admin.redeliver(caller, "wh_a", ticket.deliveryId());
    assertThat(dispatch.attempt(ticket, 1).next())
        .as("the old round's message")
        .isEqualTo(AttemptOutcome.Next.DONE);
    assertThat(posted).hasSize(1);
    assertThat(dispatch.attempt(restarted.ticket(TENANT), 1).next())
        .isEqualTo(AttemptOutcome.Next.DONE);
    assertThat(posted).hasSize(2);

    admin.redeliver(caller, "wh_a", ticket.deliveryId());
    admin.delete(caller, "wh_a");
    assertThat(
            dispatch.attempt(new DeliveryTicket(TENANT, "wh_a", ticket.deliveryId(), 2), 1).next())
        .isEqualTo(AttemptOutcome.Next.DONE);
    assertThat(posted).hasSize(2);
  }

  @Test
  void aPendingDeliveryIsNotRedeliveredAndATestGoesToItsEndpointOnly() {
    endpoint("wh_a", List.of("license.expired"));
    endpoint("wh_b", List.of("*"));

    Delivery test = admin.test(caller, "wh_a");

    assertThat(test.eventType()).isEqualTo("webhook.test");
    assertThat(store.enqueued).containsExactly(new DeliveryTicket(TENANT, "wh_a", test.id(), 0));
    assertThatThrownBy(() -> admin.redeliver(caller, "wh_a", test.id()))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void endpointsAreRefusedForUnknownEventTypesAndWhatThePolicyRefuses() {
    Webhooks strict =
        new Webhooks(
            store,
            url -> {
              throw new InvalidInputException("url", "no");
            },
            ChangeJournal.SILENT,
            clock,
            Duration.ofHours(24));

    assertThatThrownBy(
            () ->
                admin.create(
                    caller, new WebhookDraft("https://h", null, List.of("license.created", "x.y"))))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("event_types[1]"));
    assertThatThrownBy(
            () -> strict.create(caller, new WebhookDraft("https://h", null, List.of("*"))))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("url"));
    assertThat(store.allEndpoints(TENANT)).isEmpty();
  }
}
