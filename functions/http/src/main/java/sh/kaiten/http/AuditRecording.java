package sh.kaiten.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.Auditing;

/**
 * Writes what an {@link Audited} request did into the audit trail, in one write, before the response
 * leaves. A record that cannot be written turns the answer into a 500 {@code audit-not-recorded}
 * problem, which says the request was carried out. Only answers that did something are recorded (2xx):
 * refused requests (4xx, 5xx) changed nothing, and a 304 only tells a client that the copy it holds is
 * still current (the 200 that gave it was recorded), so a revalidation costs no write.
 */
@Provider
public class AuditRecording implements ContainerResponseFilter, ReaderInterceptor {
  private static final Logger LOG = Logger.getLogger(AuditRecording.class);

  // Resolved per request: providers are built during static init, before runtime config exists.
  @Inject Instance<Auditing> auditing;
  @Inject AuditTrail trail;
  @Inject CurrentCaller caller;
  @Inject CurrentVertxRequest vertxRequest;
  @jakarta.ws.rs.core.Context ResourceInfo resource;

  /** Keeps the request body as read, for the generic record's summary. */
  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    Object body = context.proceed();
    trail.body(body);
    return body;
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Audited audited = resource.getResourceMethod() == null ? null
        : resource.getResourceMethod().getAnnotation(Audited.class);
    if (audited == null || response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
      return;
    }
    List<AuditEntry> entries = trail.entries().isEmpty() ? List.of(generic(audited, request, response)) : trail.entries();
    String tenantId = trail.tenantId() != null ? trail.tenantId() : caller.token().tenantId();
    String actor = trail.actor() != null ? trail.actor() : caller.token().id();
    try {
      auditing.get().record(tenantId, actor, requestId(), entries);
    } catch (RuntimeException e) {
      // What was done is done; the caller must not read this answer as "not applied" (the generic 500 does).
      LOG.errorf(e, "the audit record of %s %s could not be written", request.getMethod(), request.getUriInfo().getPath());
      Response problem = Problems.problem(500, "audit-not-recorded", "the request was carried out, but its audit"
          + " record could not be written; check the outcome before repeating it", null);
      response.setStatus(problem.getStatus());
      response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE);
      response.setEntity(problem.getEntity());
    }
  }

  /** The method and path, the body as read, the status and the id of what was answered. */
  private AuditEntry generic(Audited audited, ContainerRequestContext request, ContainerResponseContext response) {
    String path = request.getUriInfo().getPath();
    MultivaluedMap<String, String> params = request.getUriInfo().getPathParameters();
    JsonNode answered = response.getEntity() == null ? null : trail.tree(response.getEntity());
    String answeredId = answered == null ? null : answered.hasNonNull("id") ? answered.get("id").asText()
        : answered.hasNonNull("slug") ? answered.get("slug").asText() : null;
    String instanceId = path.startsWith("/api/instances") ? orElse(params.getFirst("id"), answeredId) : null;
    String entitlement = path.startsWith("/api/entitlements") ? orElse(params.getFirst("slug"), answeredId) : null;

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("method", request.getMethod());
    summary.put("path", path);
    if (trail.body() != null) {
      summary.put("body", trail.body());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("status", response.getStatus());
    if (answeredId != null) {
      result.put("id", answeredId);
    }
    return new AuditEntry(audited.value(), instanceId, entitlement == null ? List.of() : List.of(entitlement),
        trail.json(summary), trail.json(result));
  }

  private static String orElse(String value, String fallback) {
    return value != null ? value : fallback;
  }

  /** API Gateway's request id (kaiten-local makes one too), else the Lambda invocation's. */
  private String requestId() {
    RoutingContext current = vertxRequest.getCurrent();
    if (current == null || !(current.request().headers() instanceof QuarkusHttpHeaders headers)) {
      return null;
    }
    Object event = headers.getContextObjects().get(APIGatewayV2HTTPEvent.class);
    if (event instanceof APIGatewayV2HTTPEvent http && http.getRequestContext() != null
        && http.getRequestContext().getRequestId() != null) {
      return http.getRequestContext().getRequestId();
    }
    Object lambda = headers.getContextObjects().get(Context.class);
    return lambda instanceof Context context ? context.getAwsRequestId() : null;
  }
}
