package sh.kaiten.domain.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.memory.RecordedEvents;
import sh.kaiten.domain.paging.PageRequest;

/**
 * A change, its event and its audit record are stored together or not at all; the event keeps its
 * id.
 */
class TransactionalOutboxTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryTokens tokens = new InMemoryTokens();
  private final Administration admin =
      new Administration(
          catalog.adminStores(tokens),
          new InMemoryJournal(),
          Clock.fixed(NOW, ZoneOffset.UTC),
          Optional.of("bootstrap-secret-for-tests"),
          Duration.ofDays(3));
  private ApiToken token;

  @BeforeEach
  void tenant() {
    token = admin.tenants().bootstrapTenant("bootstrap-secret-for-tests", "Vendor").adminToken();
  }

  @Test
  void aChangeIsStoredWithItsEventAndItsAuditRecord() {
    String customer = admin.customers().createCustomer(token, "Acme", Map.of()).id();

    assertThat(catalog.outbox.events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.type()).isEqualTo(EventType.CUSTOMER_CREATED);
              assertThat(event.tenantId()).isEqualTo(token.tenantId());
              assertThat(event.id()).startsWith("evt_");
              assertThat(event.data().get("customer_id").asText()).isEqualTo(customer);
            });
    assertThat(catalog.outbox.audit)
        .extracting(AuditRecord::type, AuditRecord::result)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "tenant.created", "{\"id\":\"" + token.tenantId() + "\"}"),
            org.assertj.core.groups.Tuple.tuple(
                "customer.created", "{\"id\":\"" + customer + "\"}"));
  }

  @Test
  void aTenantWhoseTransactionFailsIsNotCreatedAndLeavesNoTokenBehind() {
    int tokensBefore = tokens.byHash.size();
    catalog.failNextChange();

    assertThatThrownBy(() -> admin.tenants().bootstrapTenant("bootstrap-secret-for-tests", "Other"))
        .isInstanceOf(IllegalStateException.class);

    assertThat(catalog.tenants(new PageRequest(null, 10)).items())
        .extracting(t -> t.id())
        .containsExactly(token.tenantId());
    assertThat(tokens.byHash).hasSize(tokensBefore);
    assertThat(catalog.outbox.audit)
        .extracting(AuditRecord::type)
        .containsExactly("tenant.created");
  }

  @Test
  void aChangeWhoseTransactionFailsStoresNothingAndAnnouncesNothing() {
    catalog.failNextChange();

    assertThatThrownBy(() -> admin.customers().createCustomer(token, "Acme", Map.of()))
        .isInstanceOf(IllegalStateException.class);

    assertThat(admin.customers().customers(token, new PageRequest(null, 10)).items()).isEmpty();
    assertThat(catalog.outbox.events).isEmpty();
    assertThat(catalog.outbox.audit)
        .extracting(AuditRecord::type)
        .containsExactly("tenant.created");
  }

  @Test
  void anInstanceThatIsRefusedLeavesNoTokenBehind() {
    admin.catalog().createTier(token, new TierDraft("pro", "Pro", 1, Map.of()));
    String customer = admin.customers().createCustomer(token, "Acme", Map.of()).id();
    String license =
        admin
            .licenses()
            .createLicense(token, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    int before = tokens.byHash.size();
    catalog.failNextChange();

    assertThatThrownBy(
            () -> admin.instances().createInstance(token, "acme-prod", license, null, null))
        .isInstanceOf(IllegalStateException.class);

    assertThat(tokens.byHash).hasSize(before);
    assertThat(admin.instances().instances(token, new PageRequest(null, 10)).items()).isEmpty();
  }

  @Test
  void aRotatedTokenIsStoredWithItsEventAndAuditRecord() {
    admin.catalog().createTier(token, new TierDraft("pro", "Pro", 1, Map.of()));
    String customer = admin.customers().createCustomer(token, "Acme", Map.of()).id();
    String license =
        admin
            .licenses()
            .createLicense(token, new LicenseDraft(customer, "pro", null, null, null, null, null))
            .id();
    admin.instances().createInstance(token, "acme-prod", license, null, null);

    admin.instances().rotateInstanceToken(token, "acme-prod");

    assertThat(tokens.outbox.events)
        .extracting(Event::type)
        .containsExactly(EventType.INSTANCE_UPDATED);
    assertThat(tokens.outbox.events.get(0).data().get("token_rotated").asBoolean()).isTrue();
    assertThat(tokens.outbox.audit)
        .extracting(AuditRecord::type)
        .containsExactly("instance.token_rotated");
  }

  @Test
  void theRelayPublishesAnEventOnceWithItsStoredIdAfterAFailedTry() {
    String customer = admin.customers().createCustomer(token, "Acme", Map.of()).id();
    Event stored = catalog.outbox.events.get(0);
    RecordedEvents events = new RecordedEvents();
    OutboxRelay<Event> relay = new OutboxRelay<>(events::publish);
    events.failNextPublish();

    OutboxRelay.Relayed first = relay.relay(List.of(stored));
    OutboxRelay.Relayed again = relay.relay(List.of(stored));

    assertThat(first.published()).isZero();
    assertThat(first.failure())
        .get()
        .extracting(Throwable::getMessage)
        .isEqualTo("the events queue is unavailable");
    assertThat(again).isEqualTo(new OutboxRelay.Relayed(1, Optional.empty()));
    assertThat(events.published)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.id()).isEqualTo(stored.id());
              assertThat(event.data().get("customer_id").asText()).isEqualTo(customer);
            });
  }

  @Test
  void theRelayStopsAtTheFirstFailureSoTheStreamHandsTheRestOverAgainInOrder() {
    admin.customers().createCustomer(token, "Acme", Map.of());
    admin.customers().createCustomer(token, "Globex", Map.of());
    admin.customers().createCustomer(token, "Initech", Map.of());
    List<Event> batch = List.copyOf(catalog.outbox.events);
    List<Event> published = new java.util.ArrayList<>();
    int[] calls = {0};
    OutboxRelay<Event> relay =
        new OutboxRelay<>(
            event -> {
              if (++calls[0] == 2) {
                throw new IllegalStateException("throttled");
              }
              published.add(event);
            });

    OutboxRelay.Relayed relayed = relay.relay(batch);

    assertThat(relayed.published()).isEqualTo(1);
    assertThat(calls[0]).isEqualTo(2);
    assertThat(published).extracting(Event::id).containsExactly(batch.get(0).id());
  }
}
