package sh.kaiten.domain.access;

import java.util.Optional;

/** Port: tokens, found by the hash of their secret. */
public interface TokenStore {

  Optional<ApiToken> findByHash(String secretHash);

  void put(String secretHash, ApiToken token);
}
