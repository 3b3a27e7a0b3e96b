package sh.kaiten.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * What every {@link TokenStore} does on its own, run against the in-memory port and the DynamoDB
 * adapter alike: a token is found by its hash, put once, listed by tenant in id order, removed only
 * by its own tenant, and replaced for an instance with every other token of it; each change goes
 * with its records. (The writes other stores' transactions carry, {@link TokenStore#issuing} and
 * {@link TokenStore#revokingInstance}, are proved with those stores.)
 */
public abstract class TokenStoreContract {
  private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

  /** The port under test; each test uses a tenant of its own, so a shared store is fine. */
  protected abstract TokenStore tokens();

  /** Whether the outbox holds the event, to be published. */
  protected abstract boolean outboxed(Event event);

  private final String tenantId = "tnt_tokens_" + System.nanoTime();

  private String hash(String name) {
    return "hash_" + tenantId + "_" + name;
  }

  private ApiToken admin(String id) {
    return new ApiToken(id, tenantId, TokenScope.ADMIN, null, null, AT);
  }

  private ApiToken instance(String id, String instanceId) {
    return new ApiToken(id, tenantId, TokenScope.INSTANCE, instanceId, "lic_1", AT);
  }

  private ChangeRecords announcing(Event event) {
    return new ChangeRecords(List.of(event), List.of());
  }

  /**
   * An event made now: its outbox item expires by the wall clock a week later (see
   * LifecycleTimersContract).
   */
  private Event event(String id) {
    return new Event(
        id + "_" + System.nanoTime(),
        tenantId,
        EventType.INSTANCE_UPDATED,
        Instant.now(),
        JsonNodeFactory.instance.objectNode());
  }

  @Test
  void aTokenIsFoundByItsHashAndListedWithItsTenantsInIdOrder() {
    tokens().put(hash("b"), admin("tok_b"), ChangeRecords.NONE);
    tokens().put(hash("a"), instance("tok_a", "acme-prod"), ChangeRecords.NONE);

    assertThat(tokens().findByHash(hash("a"))).contains(instance("tok_a", "acme-prod"));
    assertThat(tokens().findByHash(hash("b"))).contains(admin("tok_b"));
    assertThat(tokens().findByHash(hash("none"))).isEmpty();
    assertThat(tokens().tokensOf(tenantId))
        .containsExactly(instance("tok_a", "acme-prod"), admin("tok_b"));
    assertThat(tokens().tokensOf("tnt_other_" + System.nanoTime())).isEmpty();
  }

  @Test
  void aHashIsPutOnceAndItsChangeWithIt() {
    Event first = event("evt_first");
    Event second = event("evt_second");
    tokens().put(hash("a"), admin("tok_a"), announcing(first));

    assertThatThrownBy(() -> tokens().put(hash("a"), admin("tok_other"), announcing(second)))
        .isInstanceOf(RuntimeException.class);

    assertThat(tokens().findByHash(hash("a"))).contains(admin("tok_a"));
    assertThat(outboxed(first)).isTrue();
    assertThat(outboxed(second)).isFalse();
  }

  @Test
  void aTokenIsRemovedOnlyByItsOwnTenantAndOnlyOnce() {
    tokens().put(hash("a"), admin("tok_a"), ChangeRecords.NONE);
    Event deleted = event("evt_deleted");
    Event again = event("evt_again");

    assertThat(tokens().delete("tnt_other_" + System.nanoTime(), "tok_a", ChangeRecords.NONE))
        .isFalse();
    assertThat(tokens().delete(tenantId, "tok_a", announcing(deleted))).isTrue();
    assertThat(tokens().delete(tenantId, "tok_a", announcing(again))).isFalse();

    assertThat(tokens().findByHash(hash("a"))).isEmpty();
    assertThat(outboxed(deleted)).isTrue();
    assertThat(outboxed(again)).isFalse();
  }

  @Test
  void anInstancesTokensAreReplacedByOneAndOtherTokensStay() {
    tokens().put(hash("old1"), instance("tok_1", "acme-prod"), ChangeRecords.NONE);
    tokens().put(hash("old2"), instance("tok_2", "acme-prod"), ChangeRecords.NONE);
    tokens().put(hash("dev"), instance("tok_3", "acme-dev"), ChangeRecords.NONE);
    tokens().put(hash("admin"), admin("tok_4"), ChangeRecords.NONE);
    Event rotated = event("evt_rotated");

    tokens()
        .replaceInstanceTokens(
            tenantId,
            "acme-prod",
            hash("new"),
            instance("tok_5", "acme-prod"),
            announcing(rotated));

    assertThat(tokens().tokensOf(tenantId))
        .containsExactly(
            instance("tok_3", "acme-dev"), admin("tok_4"), instance("tok_5", "acme-prod"));
    assertThat(tokens().findByHash(hash("old1"))).isEmpty();
    assertThat(tokens().findByHash(hash("new"))).contains(instance("tok_5", "acme-prod"));
    assertThat(outboxed(rotated)).isTrue();
  }
}
