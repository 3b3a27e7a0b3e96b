package sh.kaiten.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * The API speaks JSON only, so a body sent without a content type, or with curl's default {@code
 * application/x-www-form-urlencoded} (as in {@code curl -d '{...}'}), is read as JSON. Other
 * declared types are left alone and refused with 415.
 */
@Provider
@PreMatching
public class JsonByDefault implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
    if (request.hasEntity()
        && (type == null
            || type.isBlank()
            || type.toLowerCase().startsWith(MediaType.APPLICATION_FORM_URLENCODED))) {
      request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
    }
  }
}
