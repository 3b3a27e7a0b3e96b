package sh.kaiten.http;

import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * Refuses, before routing, requests whose shape would otherwise be guessed at: a path with dot
 * segments ({@code /api/instances/acme-prod/entitlements/../usage} must not be served as {@code
 * /usage}) and a {@code Content-Type} that is not a media type (400 naming the header, not a 500
 * from the media-type parser).
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 500)
public class RequestShape implements ContainerRequestFilter {
  @Context HttpServerRequest http;

  @Override
  public void filter(ContainerRequestContext request) {
    String raw = http == null ? request.getUriInfo().getRequestUri().getRawPath() : http.path();
    if (hasDotSegment(raw)) {
      throw new InvalidInputException("path", "the path must not hold '.' or '..' segments");
    }
    String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
    if (type != null && !type.isBlank()) {
      try {
        MediaType.valueOf(type);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            HttpHeaders.CONTENT_TYPE,
            "the Content-Type header is not a media type; send application/json");
      }
    }
  }

  /**
   * Whether a segment of the raw path is {@code .} or {@code ..}, written plainly or
   * percent-encoded.
   */
  static boolean hasDotSegment(String rawPath) {
    if (rawPath == null) {
      return false;
    }
    for (String segment : rawPath.split("/", -1)) {
      String plain = segment.replaceAll("(?i)%2e", ".");
      if (plain.equals(".") || plain.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
