package sh.kaiten.console;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;
import sh.kaiten.domain.access.ConsoleSignIn;

/**
 * Admits a request to the console: every page but sign-in and the static assets needs a live
 * session (else 401 and the sign-in page), and every request that may change something (any method
 * but GET and HEAD) must carry the session's CSRF token, as the form field {@code csrf} or the
 * header {@code X-CSRF-Token} (htmx), else 403 and nothing is done.
 */
public class SessionGate {
  public static final String CSRF_FIELD = "csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");

  // Resolved per request: filters are built before runtime config exists.
  @Inject Instance<ConsoleSignIn> signIn;
  @Inject CurrentSession current;
  @Inject Pages pages;

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  @WithFormRead
  public Optional<Response> admit(ResteasyReactiveContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    // Open: the sign-in form, the assets, and the root (a redirect to the customers, which asks for
    // a session).
    if (path.equals(Paths.ROOT)
        || path.equals(Paths.SIGN_IN)
        || path.startsWith(Paths.ASSETS + "/")) {
      return Optional.empty();
    }
    Cookie cookie = request.getCookies().get(SessionCookie.NAME);
    Optional<ConsoleSignIn.Signed> signed =
        cookie == null ? Optional.empty() : signIn.get().session(cookie.getValue());
    if (signed.isEmpty()) {
      return Optional.of(pages.signInRequired(cookie != null));
    }
    current.open(signed.get());
    if (!SAFE_METHODS.contains(request.getMethod()) && !signed.get().csrfMatches(csrfOf(request))) {
      return Optional.of(
          pages.error(
              Response.Status.FORBIDDEN,
              "This request did not carry the page's security token, so nothing was done. Reload the page and try again."));
    }
    return Optional.empty();
  }

  private static String csrfOf(ResteasyReactiveContainerRequestContext request) {
    String header = request.getHeaderString(CSRF_HEADER);
    if (header != null) {
      return header;
    }
    Object field =
        ((ResteasyReactiveRequestContext) request.getServerRequestContext())
            .getFormParameter(CSRF_FIELD, true, false);
    return field instanceof String value ? value : null;
  }
}
