package sh.kaiten.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import sh.kaiten.runtime.KaitenConfig;

/**
 * Refuses a request body larger than {@code kaiten.http.max-body-bytes} with 413, before anything
 * parses it. Not pre-matching, so it runs on the worker thread where reading the body may block.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class BodyLimit implements ContainerRequestFilter {
  // Resolved per request: providers are built during static init, before runtime config exists.
  @Inject Instance<KaitenConfig> config;

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    if (!request.hasEntity()) {
      return;
    }
    int limit = config.get().http().maxBodyBytes();
    if (request.getLength() > limit) {
      request.abortWith(tooLarge(limit));
      return;
    }
    try (InputStream body = request.getEntityStream()) {
      byte[] bytes = body.readNBytes(limit + 1);
      if (bytes.length > limit) {
        request.abortWith(tooLarge(limit));
        return;
      }
      request.setEntityStream(new ByteArrayInputStream(bytes));
    }
  }

  private static jakarta.ws.rs.core.Response tooLarge(int limit) {
    return Problems.problem(
        413, "body-too-large", "the request body is larger than " + limit + " bytes", null);
  }
}
