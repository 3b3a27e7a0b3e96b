package sh.kaiten.domain.access;

import java.util.List;
import java.util.Optional;

/** Port: tokens, found by the hash of their secret. */
public interface TokenStore {

  Optional<ApiToken> findByHash(String secretHash);

  void put(String secretHash, ApiToken token);

  /** The tenant's tokens, without secrets, in id order (so oldest first). */
  List<ApiToken> tokensOf(String tenantId);

  /** Removes the tenant's token with this id at once. @return false when the tenant has none such */
  boolean delete(String tenantId, String tokenId);

  /** Removes every token of the instance at once. */
  void deleteInstanceTokens(String tenantId, String instanceId);

  /** Stores a new token for an instance and removes its other tokens, together or not at all. */
  void replaceInstanceTokens(String tenantId, String instanceId, String secretHash, ApiToken token);
}
