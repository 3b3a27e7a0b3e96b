package sh.kaiten.console;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * The journal of a change made from the console: its audit record is the API's (who, what, the
 * request's method, path and fields, the status it answers, the request id), marked {@code "via":
 * "console"}, and is stored in the change's own transaction with its events.
 */
@RequestScoped
public class ConsoleJournal implements ChangeJournal {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  // Resolved per request: runtime config exists by then.
  @Inject Instance<Auditing> auditing;
  @Inject CurrentSession session;
  @Inject CurrentVertxRequest vertxRequest;

  private String path;
  private Map<String, ?> fields = Map.of();
  private int status;

  /**
   * What the change about to be made was asked with, and what the console answers when it is
   * stored.
   */
  void describe(String path, Map<String, ?> fields, int status) {
    this.path = path;
    this.fields = fields;
    this.status = status;
  }

  @Override
  public ChangeRecords records(
      String tenantId, String type, String subject, List<Event> events, ObjectNode outcome) {
    if (path == null) {
      throw new IllegalStateException("a console change must say what it was asked with");
    }
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("via", "console");
    request.put("method", "POST");
    request.put("path", path);
    request.put("body", fields);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("status", status);
    result.put("id", subject);
    if (outcome != null) {
      outcome.fields().forEachRemaining(field -> result.put(field.getKey(), field.getValue()));
    }
    return new ChangeRecords(
        events,
        auditing
            .get()
            .prepare(
                tenantId,
                session.caller().id(),
                requestId(),
                List.of(new AuditEntry(type, null, List.of(), json(request), json(result)))));
  }

  /** API Gateway's request id (kaiten-local makes one too), else the Lambda invocation's. */
  private String requestId() {
    RoutingContext current = vertxRequest.getCurrent();
    if (current == null || !(current.request().headers() instanceof QuarkusHttpHeaders headers)) {
      return null;
    }
    Object event = headers.getContextObjects().get(APIGatewayV2HTTPEvent.class);
    if (event instanceof APIGatewayV2HTTPEvent http && http.getRequestContext() != null) {
      return http.getRequestContext().getRequestId();
    }
    Object lambda = headers.getContextObjects().get(Context.class);
    return lambda instanceof Context context ? context.getAwsRequestId() : null;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit summary could not be written as JSON", e);
    }
  }
}
