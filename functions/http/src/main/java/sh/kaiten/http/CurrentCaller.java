package sh.kaiten.http;

import jakarta.enterprise.context.RequestScoped;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.UnauthenticatedException;

/** The token that authenticated the current request. */
@RequestScoped
public class CurrentCaller {
  private ApiToken token;

  void authenticate(ApiToken token) {
    this.token = token;
  }

  /** False for a request no token authenticated (bootstrap). */
  public boolean authenticated() {
    return token != null;
  }

  public ApiToken token() {
    if (token == null) {
      throw new UnauthenticatedException("a bearer token is required");
    }
    return token;
  }
}
