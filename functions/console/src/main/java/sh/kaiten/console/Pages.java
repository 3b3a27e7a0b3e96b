package sh.kaiten.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import sh.kaiten.console.Views.Chrome;

/** Whole pages as answers, with the status they go out with. */
@RequestScoped
public class Pages {
  static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");

  @Inject CurrentSession session;

  /** The page frame for the signed-in user (navigation, sign-out, the CSRF token for htmx). */
  Chrome chrome(String title) {
    return new Chrome(title, session.csrfToken(), true);
  }

  static Chrome signedOut(String title) {
    return new Chrome(title, "", false);
  }

  /** 401 with the sign-in form; a stale cookie is dropped. */
  Response signInRequired(boolean dropCookie) {
    Response.ResponseBuilder answer =
        Response.status(Response.Status.UNAUTHORIZED)
            .type(HTML)
            .entity(
                Templates.signIn(
                        signedOut("Sign in"),
                        dropCookie ? "Your session has ended. Sign in again." : null)
                    .render());
    if (dropCookie) {
      answer.header(HttpHeaders.SET_COOKIE, SessionCookie.cleared());
    }
    return answer.build();
  }

  Response error(Response.Status status, String message) {
    return error(status, message, null);
  }

  /** An error page whose way back is {@code back} (a page's path) instead of the customers. */
  Response error(Response.Status status, String message, String back) {
    Chrome chrome =
        session.isOpen() ? chrome(status.getReasonPhrase()) : signedOut(status.getReasonPhrase());
    return Response.status(status)
        .type(HTML)
        .entity(Templates.error(chrome, status.getStatusCode(), message, back).render())
        .build();
  }
}
