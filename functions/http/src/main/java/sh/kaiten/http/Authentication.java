package sh.kaiten.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.error.UnauthenticatedException;

/**
 * Authenticates every request by its {@code Authorization: Bearer ksh_...} token, looked up by hash
 * on every request, so a revoked or rotated token stops working at once.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class Authentication implements ContainerRequestFilter {
  // Resolved per request: providers are built during static init, before runtime config exists.
  @Inject Instance<TokenStore> tokens;
  @Inject CurrentCaller caller;
  @Context ResourceInfo resource;

  @Override
  public void filter(ContainerRequestContext request) {
    if (resource.getResourceMethod() != null
        && resource.getResourceMethod().isAnnotationPresent(BootstrapAuthenticated.class)) {
      return;
    }
    String secret = BearerToken.of(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (secret == null) {
      throw new UnauthenticatedException(
          "missing bearer token: send Authorization: Bearer ksh_...");
    }
    if (!secret.startsWith(Secrets.TOKEN_PREFIX)) {
      throw new UnauthenticatedException("the bearer token is not a Kaiten token");
    }
    caller.authenticate(
        tokens
            .get()
            .findByHash(Secrets.hash(secret))
            .orElseThrow(() -> new UnauthenticatedException("the bearer token is not valid")));
  }
}
