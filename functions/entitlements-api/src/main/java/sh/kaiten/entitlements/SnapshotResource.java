package sh.kaiten.entitlements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceSnapshot;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.EntityTags;
import sh.kaiten.http.JsonSettings;
import sh.kaiten.http.views.EvaluationView;

/**
 * What an SDK holds to decide checks in-process (instance or admin token, as every read). It asks
 * again with the ETag it has, and an unchanged snapshot is a 304 without a body: no audit record,
 * the same reads as the bulk evaluation.
 */
@Path("/api/instances/{id}/snapshot")
@Produces(MediaType.APPLICATION_JSON)
public class SnapshotResource {
  /**
   * Every answer is revalidated: a client may keep it, but asks before using it again after a
   * while.
   */
  static final String CACHE_CONTROL = "no-cache";

  @Inject EntitlementQueries queries;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;
  @Inject JsonSettings json;

  /**
   * 200 with the snapshot and {@code ETag: "<sha-256 of the answer without as_of>"}; 304 when
   * {@code If-None-Match} names that tag (quoted or not, weak or strong, in a list, or {@code *}).
   * A 200 is recorded as the bulk evaluation is ({@code entitlement.evaluated}, via {@code
   * snapshot}).
   */
  @GET
  @Audited(AuditTrail.EVALUATED)
  @APIResponse(
      responseCode = "200",
      description = "The snapshot, with its ETag",
      content = @Content(schema = @Schema(implementation = SnapshotView.class)))
  @APIResponse(responseCode = "304", description = "Unchanged since the ETag in If-None-Match")
  public Response snapshot(
      @PathParam("id") String instanceId,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) List<String> ifNoneMatch) {
    InstanceSnapshot snapshot = queries.snapshot(caller.token(), instanceId);
    SnapshotView view = SnapshotView.of(snapshot);
    EntityTag etag = tag(view);
    if (EntityTags.unchanged(ifNoneMatch, etag)) {
      return Response.notModified(etag).header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL).build();
    }
    audit.evaluated(
        "snapshot", instanceId, snapshot.entitlements().stream().map(EvaluationView::of).toList());
    return Response.ok(view).tag(etag).header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL).build();
  }

  /**
   * The hash of the answer as the API writes it, less {@code as_of}: it changes only when the
   * snapshot does.
   */
  private EntityTag tag(SnapshotView view) {
    ObjectMapper mapper = json.getContext(SnapshotView.class);
    ObjectNode answer = mapper.valueToTree(view);
    answer.remove(SnapshotView.AS_OF);
    try {
      return EntityTags.of(mapper.writeValueAsBytes(answer));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a snapshot could not be written as JSON", e);
    }
  }
}
