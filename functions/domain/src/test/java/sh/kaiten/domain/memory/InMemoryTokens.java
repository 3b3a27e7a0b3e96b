package sh.kaiten.domain.memory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.outbox.ChangeRecords;

/** The token port in memory, for unit tests. */
public final class InMemoryTokens implements TokenStore {
  public final Map<String, ApiToken> byHash = new ConcurrentHashMap<>();
  public final InMemoryOutbox outbox = new InMemoryOutbox();

  @Override
  public Optional<ApiToken> findByHash(String secretHash) {
    return Optional.ofNullable(byHash.get(secretHash));
  }

  @Override
  public synchronized void put(String secretHash, ApiToken token, ChangeRecords records) {
    // As the token's conditional put: a hash is stored once, and nothing of the change is written
    // otherwise.
    if (byHash.putIfAbsent(secretHash, token) != null) {
      throw new IllegalStateException("a token with this hash exists");
    }
    outbox.write(records);
  }

  @Override
  public List<ApiToken> tokensOf(String tenantId) {
    return byHash.values().stream()
        .filter(t -> t.tenantId().equals(tenantId))
        .sorted(Comparator.comparing(ApiToken::id))
        .toList();
  }

  @Override
  public synchronized boolean delete(String tenantId, String tokenId, ChangeRecords records) {
    boolean deleted =
        byHash.values().removeIf(t -> t.tenantId().equals(tenantId) && t.id().equals(tokenId));
    if (deleted) {
      outbox.write(records);
    }
    return deleted;
  }

  /** Token writes in memory: made when the change they join is made. */
  record Writes(Runnable write) implements TokenWrites {}

  static final TokenWrites NO_WRITES = new Writes(() -> {});

  /** Makes {@code writes} (prepared by an in-memory token store), inside the change they join. */
  static void apply(TokenWrites writes) {
    if (!(writes instanceof Writes memory)) {
      throw new IllegalArgumentException(
          "token writes must come from an in-memory token store, not " + writes);
    }
    memory.write().run();
  }

  @Override
  public TokenWrites issuing(String secretHash, ApiToken token) {
    return new Writes(() -> byHash.put(secretHash, token));
  }

  @Override
  public TokenWrites revokingInstance(String tenantId, String instanceId) {
    return new Writes(
        () ->
            byHash
                .values()
                .removeIf(t -> t.tenantId().equals(tenantId) && instanceId.equals(t.instanceId())));
  }

  @Override
  public synchronized void replaceInstanceTokens(
      String tenantId,
      String instanceId,
      String secretHash,
      ApiToken token,
      ChangeRecords records) {
    byHash
        .values()
        .removeIf(t -> t.tenantId().equals(tenantId) && instanceId.equals(t.instanceId()));
    put(secretHash, token, records);
  }
}
