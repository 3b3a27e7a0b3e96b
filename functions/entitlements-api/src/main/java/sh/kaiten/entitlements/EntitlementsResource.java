package sh.kaiten.entitlements;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.views.EvaluationView;
import sh.kaiten.http.views.UsageView;

/** The read path: what an instance may do, and how much it has used. */
@Path("/api/instances/{id}/entitlements")
@Produces(MediaType.APPLICATION_JSON)
public class EntitlementsResource {
  @Inject EntitlementQueries queries;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;

  /** Every entitlement evaluated, so an SDK can warm its cache in one call. */
  @RegisterForReflection
  public record AllEntitlements(String instance, List<EvaluationView> entitlements) {}

  @GET
  @Audited(AuditTrail.EVALUATED)
  public AllEntitlements all(@PathParam("id") String instanceId) {
    List<EvaluationView> evaluations =
        queries.evaluateAll(caller.token(), instanceId).stream().map(EvaluationView::of).toList();
    audit.evaluated("api", instanceId, evaluations);
    return new AllEntitlements(instanceId, evaluations);
  }

  @GET
  @Path("/{slug}")
  @Audited(AuditTrail.EVALUATED)
  public EvaluationView one(@PathParam("id") String instanceId, @PathParam("slug") String slug) {
    EvaluationView evaluation =
        EvaluationView.of(queries.evaluate(caller.token(), instanceId, slug));
    audit.evaluated("api", instanceId, List.of(evaluation));
    return evaluation;
  }

  @GET
  @Path("/{slug}/usage")
  @Audited(AuditTrail.USAGE_VIEWED)
  public UsageView usage(@PathParam("id") String instanceId, @PathParam("slug") String slug) {
    UsageView usage = UsageView.of(queries.usage(caller.token(), instanceId, slug), null);
    audit.usageViewed(instanceId, List.of(usage));
    return usage;
  }
}
