package sh.kaiten.domain.admin;

import java.time.Clock;
import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.outbox.ChangeJournal;

/** Use case: a tenant's admin tokens, created, listed and revoked. */
public final class TokenAdministration {
  private final TokenStore tokens;
  private final Changes changes;

  /**
   * @param journal what each change writes with itself, in its transaction (its audit record)
   */
  public TokenAdministration(TokenStore tokens, ChangeJournal journal, Clock clock) {
    this.tokens = tokens;
    this.changes = new Changes(journal, clock);
  }

  /** A new admin token for the caller's tenant. */
  public IssuedToken createAdminToken(ApiToken caller) {
    caller.requireAdmin();
    IssuedToken token = changes.newToken(caller.tenantId(), TokenScope.ADMIN, null, null);
    tokens.put(
        Secrets.hash(token.secret()),
        token.token(),
        changes.records(caller.tenantId(), "token.created", token.token().id(), List.of()));
    return token;
  }

  /** The tenant's tokens, admin and instance, without their secrets. */
  public List<ApiToken> tokens(ApiToken caller) {
    caller.requireAdmin();
    return tokens.tokensOf(caller.tenantId());
  }

  /**
   * Revokes a token: it stops working at once. A token cannot revoke itself, so a tenant always
   * keeps one.
   */
  public void revokeToken(ApiToken caller, String tokenId) {
    caller.requireAdmin();
    if (caller.id().equals(tokenId)) {
      throw new ConflictException(
          null, "a token cannot revoke itself; revoke it with another admin token");
    }
    if (!tokens.delete(
        caller.tenantId(),
        tokenId,
        changes.records(caller.tenantId(), "token.revoked", tokenId, List.of()))) {
      throw new NotFoundException("token", tokenId);
    }
  }
}
