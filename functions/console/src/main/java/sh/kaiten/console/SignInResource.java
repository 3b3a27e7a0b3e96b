package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import sh.kaiten.domain.access.ConsoleSignIn;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.UnauthenticatedException;

/** Signing in with an admin token, and out. */
@Path(Paths.ROOT)
public class SignInResource {
  @Inject ConsoleSignIn signIn;

  @GET
  public Response root() {
    return Response.seeOther(URI.create(Paths.CUSTOMERS)).build();
  }

  @GET
  @Path("/sign-in")
  public Response form() {
    return Response.ok(Templates.signIn(Pages.signedOut("Sign in"), null).render(), Pages.HTML)
        .build();
  }

  /**
   * A good admin token opens a session and goes on to the customers; anything else gets the form
   * again.
   */
  @POST
  @Path("/sign-in")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signIn(@FormParam("token") String token) {
    try {
      ConsoleSignIn.SignedIn signedIn = signIn.signIn(token == null ? null : token.strip());
      return Response.seeOther(URI.create(Paths.CUSTOMERS))
          .header(
              HttpHeaders.SET_COOKIE,
              SessionCookie.of(
                  signedIn.secret(),
                  signedIn.session().createdAt(),
                  signedIn.session().expiresAt()))
          .build();
    } catch (UnauthenticatedException e) {
      return refused(Response.Status.UNAUTHORIZED, "That token is not a valid admin token.");
    } catch (ForbiddenException e) {
      return refused(
          Response.Status.FORBIDDEN, "That is an instance token; sign in with an admin token.");
    }
  }

  /** Ends the session (the gate has checked its CSRF token): its cookie opens nothing any more. */
  @POST
  @Path("/sign-out")
  public Response signOut(@CookieParam(SessionCookie.NAME) String secret) {
    signIn.signOut(secret);
    return Response.seeOther(URI.create(Paths.SIGN_IN))
        .header(HttpHeaders.SET_COOKIE, SessionCookie.cleared())
        .build();
  }

  private static Response refused(Response.Status status, String problem) {
    return Response.status(status)
        .type(Pages.HTML)
        .entity(Templates.signIn(Pages.signedOut("Sign in"), problem).render())
        .build();
  }
}
