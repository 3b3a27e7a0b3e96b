package sh.kaiten.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.usage.LeaseAnswer;
import sh.kaiten.domain.usage.LeaseJournal;
import sh.kaiten.domain.usage.LeaseRequest;
import sh.kaiten.domain.usage.QuotaLeasing;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.RequestJournal;

/**
 * Leased quota: an instance takes a slice of what remains of a HARD limit, spends it in-process,
 * reports what it spent naming the lease ({@code POST /usage} with {@code lease_id}), and releases
 * the rest. A grant's and a release's audit record is stored in the same write as the lease; a
 * request that grants nothing writes nothing but its record, before the answer.
 */
@Path("/api/instances/{id}/leases")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class LeaseResource {
  static final String GRANTED = "lease.granted";
  static final String RELEASED = "lease.released";

  @Inject QuotaLeasing leasing;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;
  @Inject RequestJournal journal;

  /** {@code {"entitlement_slug": "api-calls", "units": 500, "ttl_seconds": 60}}. */
  @RegisterForReflection
  @Schema(name = "LeaseRequest")
  public record Request(String entitlementSlug, BigDecimal units, Integer ttlSeconds) {}

  @POST
  @Audited(value = GRANTED, status = 200)
  public LeaseView grant(@PathParam("id") String instanceId, Request request) {
    if (request == null) {
      throw new InvalidInputException(
          null, "a JSON body {\"entitlement_slug\": ..., \"units\": ...} is required");
    }
    LeaseAnswer answer =
        leasing.grant(
            caller.token(),
            instanceId,
            new LeaseRequest(request.entitlementSlug(), request.units(), request.ttlSeconds()),
            journaled(GRANTED, instanceId, request));
    LeaseView view = LeaseView.of(answer);
    if (answer.leaseId() == null) {
      audit.record(GRANTED, instanceId, List.of(request.entitlementSlug()), request, view);
    }
    return view;
  }

  @DELETE
  @Path("/{entitlement}/{lease_id}")
  @Audited(value = RELEASED, status = 200)
  public LeaseView release(
      @PathParam("id") String instanceId,
      @PathParam("entitlement") String entitlement,
      @PathParam("lease_id") String leaseId) {
    return LeaseView.of(
        leasing.release(
            caller.token(),
            instanceId,
            entitlement,
            leaseId,
            journaled(RELEASED, instanceId, new Released(entitlement, leaseId))));
  }

  /** What a release names, as its record's request. */
  @RegisterForReflection
  public record Released(String entitlement, String leaseId) {}

  /** The record of a grant or a release, made for its write: the request and what it answers. */
  private LeaseJournal journaled(String type, String instanceId, Object request) {
    return answer ->
        new ChangeRecords(
            List.of(),
            journal.prepared(
                caller.token().tenantId(),
                List.of(
                    audit.entry(
                        type,
                        instanceId,
                        List.of(answer.entitlement()),
                        request,
                        LeaseView.of(answer)))));
  }

  /**
   * A lease as answered. {@code requested}, {@code granted} and {@code expires_at} answer a grant,
   * {@code released} a release; {@code leased} is every live lease of the counter, {@code
   * available} what is left for grants and plain reports (null when unlimited).
   */
  @RegisterForReflection
  public record LeaseView(
      String leaseId,
      String entitlement,
      @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal requested,
      @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal granted,
      @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal released,
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt,
      BigDecimal limit,
      BigDecimal currentUsage,
      BigDecimal leased,
      BigDecimal available,
      Instant periodStart,
      Instant periodEnd,
      Reason reason) {

    static LeaseView of(LeaseAnswer answer) {
      return new LeaseView(
          answer.leaseId(),
          answer.entitlement(),
          answer.requested(),
          answer.granted(),
          answer.released(),
          answer.expiresAt(),
          answer.limit(),
          answer.currentUsage(),
          answer.leased(),
          answer.available(),
          answer.period().start(),
          answer.period().end(),
          answer.reason());
    }
  }
}
