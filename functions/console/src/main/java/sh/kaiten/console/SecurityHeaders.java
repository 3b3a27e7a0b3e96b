package sh.kaiten.console;

import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The headers every console answer carries. The policy allows scripts, styles and requests from the
 * console's own origin only: no inline script or style (the pages have none; htmx's inline
 * indicator style is turned off), no eval, and no framing.
 */
public class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self';"
          + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  @ServerResponseFilter
  public void secure(ContainerResponseContext response) {
    var headers = response.getHeaders();
    headers.putSingle("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.putSingle("X-Content-Type-Options", "nosniff");
    headers.putSingle("Referrer-Policy", "no-referrer");
    headers.putSingle("X-Frame-Options", "DENY");
    if (!headers.containsKey(HttpHeaders.CACHE_CONTROL)) {
      // Pages show one tenant's data: never kept by a shared cache or the browser's back button.
      headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
    }
  }
}
