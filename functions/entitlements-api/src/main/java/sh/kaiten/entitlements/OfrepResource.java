package sh.kaiten.entitlements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceEntitlement;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.EntityTags;
import sh.kaiten.http.JsonSettings;
import sh.kaiten.http.views.EvaluationView;

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP), so any OpenFeature SDK with the OFREP
 * provider reads entitlements as flags. {@code context.targetingKey} is the instance id; the bearer
 * token is checked as on every other read. See {@link OfrepFlags} for the mapping.
 */
@Path("/ofrep/v1/evaluate/flags")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class OfrepResource {
  @Inject EntitlementQueries queries;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;
  @Inject JsonSettings json;

  @POST
  @Path("/{key}")
  @Audited(AuditTrail.EVALUATED)
  @RequestBody(
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Request.class)))
  @APIResponse(
      responseCode = "200",
      description = "OK",
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Success.class)))
  @APIResponse(
      responseCode = "400",
      description = "PARSE_ERROR, TARGETING_KEY_MISSING or INVALID_CONTEXT",
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Failure.class)))
  @APIResponse(
      responseCode = "404",
      description = "FLAG_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Failure.class)))
  public Response one(@PathParam("key") String key, String body) {
    JsonNode request;
    try {
      request = parse(body);
    } catch (JsonProcessingException e) {
      return Response.status(400)
          .entity(OfrepFlags.failure(key, "PARSE_ERROR", parseError(e)))
          .build();
    }
    String instance = targetingKey(request);
    if (instance == null) {
      return Response.status(400)
          .entity(
              OfrepFlags.failure(
                  key, "TARGETING_KEY_MISSING", "context.targetingKey must be the instance id"))
          .build();
    }
    try {
      InstanceEntitlement evaluated = queries.evaluate(caller.token(), instance, key);
      audit.evaluated("ofrep", instance, List.of(EvaluationView.of(evaluated)));
      return Response.ok(OfrepFlags.success(evaluated)).build();
    } catch (NotFoundException e) {
      boolean unknownFlag = e.kind().equals("entitlement");
      return Response.status(unknownFlag ? 404 : 400)
          .entity(
              OfrepFlags.failure(
                  key, unknownFlag ? "FLAG_NOT_FOUND" : "INVALID_CONTEXT", e.getMessage()))
          .build();
    }
  }

  /**
   * Every flag of the instance. The ETag is the answer's hash: a client that has it gets 304 (see
   * {@link EntityTags#unchanged}), which is not recorded in the audit trail.
   */
  @POST
  @Audited(AuditTrail.EVALUATED)
  @RequestBody(
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Request.class)))
  @APIResponse(
      responseCode = "200",
      description = "OK",
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Bulk.class)))
  @APIResponse(
      responseCode = "400",
      description = "PARSE_ERROR, TARGETING_KEY_MISSING or INVALID_CONTEXT",
      content = @Content(schema = @Schema(implementation = OfrepFlags.Shapes.Failure.class)))
  @APIResponse(responseCode = "304", description = "Unchanged since the ETag in If-None-Match")
  public Response all(
      String body, @HeaderParam(HttpHeaders.IF_NONE_MATCH) List<String> ifNoneMatch) {
    JsonNode request;
    try {
      request = parse(body);
    } catch (JsonProcessingException e) {
      return Response.status(400).entity(bulkFailure("PARSE_ERROR", parseError(e))).build();
    }
    String instance = targetingKey(request);
    if (instance == null) {
      return Response.status(400)
          .entity(
              bulkFailure("TARGETING_KEY_MISSING", "context.targetingKey must be the instance id"))
          .build();
    }
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    ArrayNode flags = answer.putArray("flags");
    List<InstanceEntitlement> evaluated;
    try {
      evaluated = queries.evaluateAll(caller.token(), instance);
    } catch (NotFoundException e) {
      return Response.status(400).entity(bulkFailure("INVALID_CONTEXT", e.getMessage())).build();
    }
    evaluated.forEach(entitlement -> flags.add(OfrepFlags.success(entitlement)));
    EntityTag etag = EntityTags.of(answer.toString().getBytes(StandardCharsets.UTF_8));
    if (EntityTags.unchanged(ifNoneMatch, etag)) {
      return Response.notModified(etag).build();
    }
    audit.evaluated("ofrep", instance, evaluated.stream().map(EvaluationView::of).toList());
    return Response.ok(answer).tag(etag).build();
  }

  /**
   * The request as read with the API's JSON rules; malformed JSON is OFREP's {@code PARSE_ERROR},
   * not a missing targeting key. An empty body is an empty request.
   */
  private JsonNode parse(String body) throws JsonProcessingException {
    return body == null || body.isBlank() ? null : json.getContext(JsonNode.class).readTree(body);
  }

  private static String parseError(JsonProcessingException e) {
    return "the body is not valid JSON (line "
        + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
        + ", column "
        + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
        + ")";
  }

  private static String targetingKey(JsonNode request) {
    JsonNode key = request == null ? null : request.path("context").get("targetingKey");
    return key != null && key.isTextual() && !key.asText().isBlank() ? key.asText() : null;
  }

  private static ObjectNode bulkFailure(String errorCode, String details) {
    ObjectNode failure = JsonNodeFactory.instance.objectNode();
    failure.put("errorCode", errorCode);
    failure.put("errorDetails", details);
    return failure;
  }
}
