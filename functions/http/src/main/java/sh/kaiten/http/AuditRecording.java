package sh.kaiten.http;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.List;
import org.jboss.logging.Logger;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.auditing.Auditing;

/**
 * Writes what an {@link Audited} request did into the audit trail, in one write, before the
 * response leaves, unless the change wrote its record in its own transaction ({@link
 * RequestJournal}; then only the entries a resource added besides, such as a batch's refused
 * reports, are written here). A record that cannot be written turns the answer into a 500 {@code
 * audit-not-recorded} problem, which says the request was carried out. Only answers that did
 * something are recorded (2xx): refused requests (4xx, 5xx) changed nothing, and a 304 only tells a
 * client that the copy it holds is still current (the 200 that gave it was recorded), so a
 * revalidation costs no write.
 */
@Provider
public class AuditRecording
    implements ContainerRequestFilter, ContainerResponseFilter, ReaderInterceptor {
  private static final Logger LOG = Logger.getLogger(AuditRecording.class);

  // Resolved per request: providers are built during static init, before runtime config exists.
  @Inject Instance<Auditing> auditing;
  @Inject AuditTrail trail;
  @Inject CurrentCaller caller;
  @jakarta.ws.rs.core.Context ResourceInfo resource;

  /** Notes what an audited request is, so a change can make its record before the answer exists. */
  @Override
  public void filter(ContainerRequestContext request) {
    Audited audited = audited();
    if (audited != null) {
      trail.audited(
          audited.value(),
          request.getMethod(),
          request.getUriInfo().getPath(),
          request.getUriInfo().getPathParameters());
      trail.answersOnSuccess(audited.status());
    }
  }

  private Audited audited() {
    return resource.getResourceMethod() == null
        ? null
        : resource.getResourceMethod().getAnnotation(Audited.class);
  }

  /** Keeps the request body as read, for the generic record's summary. */
  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    Object body = context.proceed();
    trail.body(body);
    return body;
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Audited audited = audited();
    if (audited == null
        || response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL
        || (trail.recordedWithChange() && trail.entries().isEmpty())) {
      return; // a change that stored its record leaves only the entries a resource added besides it
    }
    List<AuditEntry> entries =
        trail.entries().isEmpty() ? List.of(generic(audited, response)) : trail.entries();
    String tenantId = trail.tenantId() != null ? trail.tenantId() : caller.token().tenantId();
    String actor = trail.actor() != null ? trail.actor() : caller.token().id();
    try {
      auditing.get().record(tenantId, actor, trail.requestId(), entries);
    } catch (RuntimeException e) {
      // What was done is done; the caller must not read this answer as "not applied" (the generic
      // 500 does).
      LOG.errorf(
          e,
          "the audit record of %s %s could not be written",
          request.getMethod(),
          request.getUriInfo().getPath());
      Response problem =
          Problems.problem(
              500,
              "audit-not-recorded",
              "the request was carried out, but its audit"
                  + " record could not be written; check the outcome before repeating it",
              null);
      response.setStatus(problem.getStatus());
      response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE);
      response.setEntity(problem.getEntity());
    }
  }

  /** The method and path, the body as read, the status and the id of what was answered. */
  private AuditEntry generic(Audited audited, ContainerResponseContext response) {
    JsonNode answered = response.getEntity() == null ? null : trail.tree(response.getEntity());
    String answeredId =
        answered == null
            ? null
            : answered.hasNonNull("id")
                ? answered.get("id").asText()
                : answered.hasNonNull("slug") ? answered.get("slug").asText() : null;
    return trail.generic(audited.value(), answeredId, response.getStatus(), null);
  }
}
