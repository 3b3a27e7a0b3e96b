package sh.kaiten.domain.access;

import java.time.Instant;
import sh.kaiten.domain.error.ForbiddenException;

/**
 * A stored token, without its secret: only the secret's hash is ever kept. It is also the
 * authenticated principal of a request.
 *
 * @param instanceId the instance an INSTANCE token belongs to; null for ADMIN
 * @param licenseId the license of that instance (an instance never changes license), so that a
 *     request can read the instance and its license together; null for ADMIN
 */
public record ApiToken(
    String id,
    String tenantId,
    TokenScope scope,
    String instanceId,
    String licenseId,
    Instant createdAt) {

  public void requireAdmin() {
    if (scope != TokenScope.ADMIN) {
      throw new ForbiddenException("this endpoint needs an admin token");
    }
  }

  /** Admin tokens reach every instance of their tenant; an instance token only its own. */
  public void requireInstance(String id) {
    if (scope == TokenScope.INSTANCE && !instanceId.equals(id)) {
      throw new ForbiddenException("an instance token may only act for its own instance");
    }
  }
}
