package sh.kaiten.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.http.views.EvaluationView;
import sh.kaiten.http.views.UsageView;

/**
 * What the current request records in the audit trail. A resource that knows more than the generic
 * record (which entitlements, what each came to) adds its own entries; otherwise {@link
 * AuditRecording} records the {@link Audited} method's request body and the id it answered.
 */
@RequestScoped
public class AuditTrail {
  public static final String EVALUATED = "entitlement.evaluated";
  public static final String USAGE_VIEWED = "usage.viewed";
  public static final String REPORTED = ReportedUsage.TYPE;

  /** The tallies of an SDK's in-process checks, sent with a usage batch. */
  public static final String CHECKED = "entitlement.checked";

  /**
   * Items per record when one request records many: tens of KB, far below DynamoDB's 400 KB per
   * item.
   */
  static final int SLICE = 100;

  // the API's own JSON settings (snake_case), so a summary reads as the request and answer did
  @Inject JsonSettings settings;
  @Inject CurrentVertxRequest vertxRequest;

  private final List<AuditEntry> entries = new ArrayList<>();
  private Object body;
  private String tenantId;
  private String actor;
  private String auditedType;
  private String method;
  private String path;
  private MultivaluedMap<String, String> pathParameters;
  private boolean recordedWithChange;
  private int successStatus;

  /** Adds a record; {@code request} and {@code result} are written as JSON. */
  public void record(
      String type, String instanceId, List<String> entitlements, Object request, Object result) {
    entries.add(entry(type, instanceId, entitlements, request, result));
  }

  /**
   * A record, not added: for a change that stores it in its own transaction ({@link
   * RequestJournal#prepared}).
   */
  public AuditEntry entry(
      String type, String instanceId, List<String> entitlements, Object request, Object result) {
    return new AuditEntry(type, instanceId, entitlements, json(request), json(result));
  }

  /**
   * Records the evaluations one request made, each with what its entitlement came to (CONFIG
   * payloads are left out: the source says where they came from).
   */
  public void evaluated(String via, String instanceId, List<EvaluationView> evaluations) {
    perEntitlement(
        EVALUATED,
        instanceId,
        Map.of("via", via, "entitlements", evaluations.size() == 1 ? "one" : "all"),
        evaluations,
        EvaluationView::entitlement,
        evaluation -> {
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("enabled", evaluation.enabled());
          result.put("source", evaluation.source());
          result.put("reason", evaluation.reason());
          if (evaluation.type() != EntitlementType.CONFIG) {
            result.put("value", evaluation.value());
          }
          if (evaluation.usage() != null) {
            result.put("usage", evaluation.usage().currentUsage());
          }
          return result;
        });
  }

  /** Records the usage states one request read. */
  public void usageViewed(String instanceId, List<UsageView> states) {
    perEntitlement(
        USAGE_VIEWED,
        instanceId,
        Map.of("entitlements", states.size() == 1 ? "one" : "all"),
        states,
        UsageView::entitlement,
        state -> {
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("status", state.status());
          result.put("current_usage", state.currentUsage());
          result.put("limit", state.limit());
          return result;
        });
  }

  /**
   * One record per slice of up to {@link #SLICE} items, its result what each entitlement came to.
   */
  private <T> void perEntitlement(
      String type,
      String instanceId,
      Object request,
      List<T> items,
      Function<T, String> entitlement,
      Function<T, Object> result) {
    for (List<T> slice : slices(items)) {
      Map<String, Object> results = new LinkedHashMap<>();
      slice.forEach(item -> results.put(entitlement.apply(item), result.apply(item)));
      record(type, instanceId, slice.stream().map(entitlement).toList(), request, results);
    }
  }

  /**
   * Slices of a request's items small enough for one record each, and few enough (at most {@link
   * AuditLog#MAX_RECORDS_PER_WRITE}) to be written together.
   */
  public static <T> List<List<T>> slices(List<T> items) {
    return slices(items, AuditLog.MAX_RECORDS_PER_WRITE);
  }

  /**
   * Slices of up to {@link #SLICE} items each, or larger ones when that many would be more than
   * {@code records}: for a request that records several lists, each with its share of one write.
   */
  public static <T> List<List<T>> slices(List<T> items, int records) {
    int size = Math.max(SLICE, (items.size() + records - 1) / records);
    List<List<T>> slices = new ArrayList<>();
    for (int from = 0; from < items.size(); from += size) {
      slices.add(items.subList(from, Math.min(items.size(), from + size)));
    }
    return slices.isEmpty() ? List.of(List.of()) : slices;
  }

  /** For requests made without a token (bootstrap): whose trail, and who acted. */
  public void actAs(String tenantId, String actor) {
    this.tenantId = tenantId;
    this.actor = actor;
  }

  /**
   * What the {@link Audited} request being served is: its record type, method, path and path
   * parameters.
   */
  void audited(
      String type, String method, String path, MultivaluedMap<String, String> pathParameters) {
    this.auditedType = type;
    this.method = method;
    this.path = path;
    this.pathParameters = pathParameters;
  }

  /**
   * What the audited request answers when it succeeds, when not its method's usual status (else 0).
   */
  void answersOnSuccess(int status) {
    this.successStatus = status;
  }

  int successStatus() {
    return successStatus;
  }

  /** The HTTP method of the audited request being served. */
  String method() {
    return method;
  }

  /** The record type of the audited request being served; null when it is not audited. */
  String auditedType() {
    return auditedType;
  }

  /** The request's record was made for its change's transaction: there is nothing left to write. */
  void recordedWithChange(boolean recorded) {
    this.recordedWithChange = recorded;
  }

  boolean recordedWithChange() {
    return recordedWithChange;
  }

  /**
   * The record of an audited request: the method and path, the body as read, the status and the id
   * of what was answered (or changed), and the fields of {@code outcome} (null for none).
   */
  AuditEntry generic(String type, String answeredId, int status, ObjectNode outcome) {
    String instanceId =
        path != null && path.startsWith("/api/instances")
            ? orElse(pathParameters.getFirst("id"), answeredId)
            : null;
    String entitlement =
        path != null && path.startsWith("/api/entitlements")
            ? orElse(pathParameters.getFirst("slug"), answeredId)
            : null;
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("method", method);
    summary.put("path", path);
    if (body != null) {
      summary.put("body", body);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("status", status);
    if (answeredId != null) {
      result.put("id", answeredId);
    }
    if (outcome != null) {
      outcome.fields().forEachRemaining(field -> result.put(field.getKey(), field.getValue()));
    }
    return new AuditEntry(
        type,
        instanceId,
        entitlement == null ? List.of() : List.of(entitlement),
        json(summary),
        json(result));
  }

  private static String orElse(String value, String fallback) {
    return value != null ? value : fallback;
  }

  /** API Gateway's request id (kaiten-local makes one too), else the Lambda invocation's. */
  String requestId() {
    RoutingContext current = vertxRequest.getCurrent();
    if (current == null || !(current.request().headers() instanceof QuarkusHttpHeaders headers)) {
      return null;
    }
    Object event = headers.getContextObjects().get(APIGatewayV2HTTPEvent.class);
    if (event instanceof APIGatewayV2HTTPEvent http
        && http.getRequestContext() != null
        && http.getRequestContext().getRequestId() != null) {
      return http.getRequestContext().getRequestId();
    }
    Object lambda = headers.getContextObjects().get(Context.class);
    return lambda instanceof Context context ? context.getAwsRequestId() : null;
  }

  List<AuditEntry> entries() {
    return entries;
  }

  void body(Object body) {
    this.body = body;
  }

  Object body() {
    return body;
  }

  String tenantId() {
    return tenantId;
  }

  String actor() {
    return actor;
  }

  JsonNode tree(Object value) {
    return settings.getContext(Object.class).valueToTree(value);
  }

  String json(Object value) {
    try {
      return settings.getContext(Object.class).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit summary could not be written as JSON", e);
    }
  }
}
