package sh.kaiten.domain.access;

import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.outbox.ChangeRecords;

/** Port: tokens, found by the hash of their secret. */
public interface TokenStore {

  Optional<ApiToken> findByHash(String secretHash);

  /** Stores a new token with the change's audit records, together or not at all. */
  void put(String secretHash, ApiToken token, ChangeRecords records);

  /** The tenant's tokens, without secrets, in id order (so oldest first). */
  List<ApiToken> tokensOf(String tenantId);

  /**
   * Removes the tenant's token with this id at once, with the change's audit records, together or not at all.
   *
   * @return false when the tenant has none such (then nothing is written)
   */
  boolean delete(String tenantId, String tokenId, ChangeRecords records);

  /** Removes every token of the instance at once. */
  void deleteInstanceTokens(String tenantId, String instanceId);

  /** Removes the token with this secret hash, if there is one (a token issued for a change that was then refused). */
  void remove(String secretHash);

  /**
   * Stores a new token for an instance and removes its other tokens, with the change's events and
   * audit records, together or not at all.
   */
  void replaceInstanceTokens(String tenantId, String instanceId, String secretHash, ApiToken token,
      ChangeRecords records);
}
