package sh.kaiten.domain.access;

import java.time.Instant;

/**
 * A signed-in console user: what the session cookie's secret stands for. Only the secret's hash is
 * stored, as for tokens; the admin token that signed in is kept by its hash too, so revoking that
 * token ends its sessions at once.
 *
 * @param idHash the hash of the session secret the cookie carries
 * @param tokenHash the hash of the admin token that signed in
 * @param csrfToken the synchronizer token every state-changing request of this session must send
 */
public record ConsoleSession(
    String idHash,
    String tenantId,
    String tokenHash,
    String csrfToken,
    Instant createdAt,
    Instant expiresAt) {

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
