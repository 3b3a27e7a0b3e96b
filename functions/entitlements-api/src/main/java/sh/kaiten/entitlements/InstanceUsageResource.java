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
import sh.kaiten.http.views.UsageView;

/**
 * Where every NUMERIC entitlement of an instance stands in its current period (instance or admin
 * token).
 */
@Path("/api/instances/{id}/usage")
@Produces(MediaType.APPLICATION_JSON)
public class InstanceUsageResource {
  @Inject EntitlementQueries queries;
  @Inject CurrentCaller caller;
  @Inject AuditTrail audit;

  @RegisterForReflection
  public record InstanceUsage(String instance, List<UsageView> usage) {}

  /**
   * The bulk evaluation's usage states: the same reads as {@code GET .../entitlements}, in slug
   * order.
   */
  @GET
  @Audited(AuditTrail.USAGE_VIEWED)
  public InstanceUsage all(@PathParam("id") String instanceId) {
    List<UsageView> usage =
        queries.evaluateAll(caller.token(), instanceId).stream()
            .filter(entitlement -> entitlement.usage() != null)
            .map(entitlement -> UsageView.of(entitlement.usage(), null))
            .toList();
    audit.usageViewed(instanceId, usage);
    return new InstanceUsage(instanceId, usage);
  }
}
