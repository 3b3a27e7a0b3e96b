package sh.kaiten.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import sh.kaiten.admin.AdminViews.ListView;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.Verification;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.http.CurrentCaller;

/**
 * The audit trail: what was checked, reported and changed, newest first; and its verification
 * (admin token).
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  /** Longer than any audit record type. */
  private static final int MAX_TYPE = 64;

  @Inject Auditing auditing;
  @Inject InstanceAdministration instances;
  @Inject CurrentCaller caller;
  @Inject ObjectMapper json;

  @GET
  @Path("/audit")
  public ListView<AuditRecordView> trail(
      @QueryParam("instance") String instance,
      @QueryParam("entitlement") String entitlement,
      @QueryParam("type") String type,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    return ListView.of(
        auditing.page(
            caller.token(),
            filter(instance, entitlement, type, from, to),
            QueryParams.page(cursor, limit)),
        this::view);
  }

  @GET
  @Path("/instances/{id}/audit")
  public ListView<AuditRecordView> instanceTrail(
      @PathParam("id") String instance,
      @QueryParam("entitlement") String entitlement,
      @QueryParam("type") String type,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    // Like every instance route: an instance that does not exist (or is another tenant's) is a 404.
    instances.instance(caller.token(), instance);
    return trail(instance, entitlement, type, from, to, cursor, limit);
  }

  /**
   * Recomputes the hashes and the digest chain over {@code [from, to)} (at most 7 days; {@code to}
   * defaults to now).
   */
  @GET
  @Path("/audit/verify")
  public VerificationView verify(@QueryParam("from") String from, @QueryParam("to") String to) {
    Verification verification =
        auditing.verify(
            caller.token(),
            QueryParams.instant("from", from, true),
            QueryParams.instant("to", to, false));
    return new VerificationView(
        verification.valid(),
        verification.from(),
        verification.to(),
        verification.recordsChecked(),
        verification.digestsChecked(),
        verification.unsealedRecords(),
        verification.firstFailure());
  }

  private static AuditFilter filter(
      String instance, String entitlement, String type, String from, String to) {
    if (instance != null && !instance.isBlank() && !Text.isId(instance)) {
      throw new InvalidInputException("instance", "instance must be an instance id");
    }
    if (entitlement != null && !entitlement.isBlank() && !Slugs.isValid(entitlement)) {
      throw new InvalidInputException("entitlement", "entitlement must be an entitlement slug");
    }
    Text.line("type", type, MAX_TYPE);
    return new AuditFilter(
        blankless(instance),
        blankless(entitlement),
        blankless(type),
        QueryParams.instant("from", from, false),
        QueryParams.instant("to", to, false));
  }

  private static String blankless(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private AuditRecordView view(AuditRecord record) {
    return new AuditRecordView(
        record.id(),
        record.at(),
        record.actor(),
        record.type(),
        record.instanceId(),
        record.entitlements(),
        parse(record.request()),
        parse(record.result()),
        record.requestId(),
        record.hash());
  }

  private JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit record holds JSON that does not parse", e);
    }
  }

  /** {@code first_failure} names the first record or digest, in time order, that does not match. */
  @RegisterForReflection(targets = {Verification.Failure.class})
  public record VerificationView(
      boolean valid,
      Instant from,
      Instant to,
      int recordsChecked,
      int digestsChecked,
      int unsealedRecords,
      Verification.Failure firstFailure) {}

  /** A record as the API shows it; {@code hash} is what the hourly digest seals. */
  @RegisterForReflection
  public record AuditRecordView(
      String id,
      Instant at,
      String actor,
      String type,
      String instanceId,
      List<String> entitlements,
      JsonNode request,
      JsonNode result,
      String requestId,
      String hash) {}
}
