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
   * Removes the tenant's token with this id at once, with the change's audit records, together or
   * not at all.
   *
   * @return false when the tenant has none such (then nothing is written)
   */
  boolean delete(String tenantId, String tokenId, ChangeRecords records);

  /**
   * The writes that store a new token, for the transaction of the change it is issued with (a
   * tenant, an instance).
   */
  TokenWrites issuing(String secretHash, ApiToken token);

  /**
   * The writes that remove every token the instance has now, for the transaction that deletes it.
   */
  TokenWrites revokingInstance(String tenantId, String instanceId);

  /**
   * Stores a new token for an instance and removes its other tokens, with the change's events and
   * audit records, together or not at all.
   */
  void replaceInstanceTokens(
      String tenantId, String instanceId, String secretHash, ApiToken token, ChangeRecords records);
}
