package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.UnauthenticatedException;

/** The domain's errors, mapped once to error pages with their status. */
public class ConsoleErrors {
  private static final Logger LOG = Logger.getLogger(ConsoleErrors.class);

  @Inject Pages pages;

  @ServerExceptionMapper
  public Response notFound(sh.kaiten.domain.error.NotFoundException e) {
    // Another tenant's records do not exist for this caller: the same answer as a missing one.
    return pages.error(Response.Status.NOT_FOUND, e.getMessage());
  }

  @ServerExceptionMapper
  public Response noSuchPage(NotFoundException e) {
    return pages.error(Response.Status.NOT_FOUND, "There is no such page in the console.");
  }

  /**
   * What JAX-RS refuses before a page runs (a method or media type the page does not take), as a
   * page.
   */
  @ServerExceptionMapper
  public Response refused(WebApplicationException e) {
    Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
    return pages.error(
        status == null ? Response.Status.BAD_REQUEST : status,
        "This page cannot be used that way.");
  }

  @ServerExceptionMapper
  public Response invalid(InvalidInputException e) {
    return pages.error(Response.Status.BAD_REQUEST, e.getMessage());
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return pages.error(Response.Status.FORBIDDEN, e.getMessage());
  }

  @ServerExceptionMapper
  public Response unauthenticated(UnauthenticatedException e) {
    return pages.signInRequired(false);
  }

  @ServerExceptionMapper
  public Response failed(RuntimeException e) {
    LOG.error("console request failed", e);
    return pages.error(
        Response.Status.INTERNAL_SERVER_ERROR, "Something went wrong on our side; try again.");
  }
}
