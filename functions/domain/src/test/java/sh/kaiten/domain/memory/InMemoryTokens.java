package sh.kaiten.domain.memory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenStore;
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
    byHash.put(secretHash, token);
    outbox.write(records);
  }

  @Override
  public List<ApiToken> tokensOf(String tenantId) {
    return byHash.values().stream().filter(t -> t.tenantId().equals(tenantId))
        .sorted(Comparator.comparing(ApiToken::id)).toList();
  }

  @Override
  public synchronized boolean delete(String tenantId, String tokenId, ChangeRecords records) {
    boolean deleted = byHash.values().removeIf(t -> t.tenantId().equals(tenantId) && t.id().equals(tokenId));
    if (deleted) {
      outbox.write(records);
    }
    return deleted;
  }

  @Override
  public void deleteInstanceTokens(String tenantId, String instanceId) {
    byHash.values().removeIf(t -> t.tenantId().equals(tenantId) && instanceId.equals(t.instanceId()));
  }

  @Override
  public void remove(String secretHash) {
    byHash.remove(secretHash);
  }

  @Override
  public synchronized void replaceInstanceTokens(String tenantId, String instanceId, String secretHash, ApiToken token,
      ChangeRecords records) {
    byHash.values().removeIf(t -> t.tenantId().equals(tenantId) && instanceId.equals(t.instanceId()));
    put(secretHash, token, records);
  }
}
