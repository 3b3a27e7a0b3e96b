package sh.kaiten.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import sh.kaiten.runtime.KaitenConfig;

/**
 * Refuses a request body larger than {@code kaiten.http.max-body-bytes} with 413, before anything
 * parses it: by its {@code Content-Length} before the request is authenticated, and by what is read
 * when the body is read (a chunked body, or a length that lies). The filter never touches the body,
 * so it may run on the event loop ({@link KaitenApi}); the interceptor reads at most one byte past
 * the limit, from the copy the server has already buffered.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class BodyLimit implements ContainerRequestFilter, ReaderInterceptor {
  // Resolved per request: providers are built during static init, before runtime config exists.
  @Inject Instance<KaitenConfig> config;

  @Override
  public void filter(ContainerRequestContext request) {
    int limit = limit();
    if (request.getLength() > limit) {
      request.abortWith(tooLarge(limit));
    }
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    int limit = limit();
    byte[] bytes = context.getInputStream().readNBytes(limit + 1);
    if (bytes.length > limit) {
      // the message is the problem's detail (Problems.web)
      throw new WebApplicationException(detail(limit), 413);
    }
    context.setInputStream(new ByteArrayInputStream(bytes));
    return context.proceed();
  }

  private int limit() {
    return config.get().http().maxBodyBytes();
  }

  private static jakarta.ws.rs.core.Response tooLarge(int limit) {
    return Problems.problem(413, "body-too-large", detail(limit), null);
  }

  private static String detail(int limit) {
    return "the request body is larger than " + limit + " bytes";
  }
}
