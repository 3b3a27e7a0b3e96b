package sh.kaiten.domain.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenStore;

/** The token port in memory, for unit tests. */
public final class InMemoryTokens implements TokenStore {
  public final Map<String, ApiToken> byHash = new ConcurrentHashMap<>();

  @Override
  public Optional<ApiToken> findByHash(String secretHash) {
    return Optional.ofNullable(byHash.get(secretHash));
  }

  @Override
  public void put(String secretHash, ApiToken token) {
    byHash.put(secretHash, token);
  }
}
