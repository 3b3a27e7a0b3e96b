package sh.kaiten.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import sh.kaiten.domain.admin.CatalogPlan;
import sh.kaiten.domain.admin.CatalogPlans;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/**
 * The catalog as a file (admin token): its export, the plan of a file, and the apply of a plan, all
 * or nothing, refused when the catalog changed since the plan (docs/catalog.md).
 */
@Path("/api/catalog")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CatalogFileResource {
  @Inject CatalogPlans plans;
  @Inject CurrentCaller caller;

  /** The catalog as stored, as a file that plans no change. */
  @GET
  public JsonNode export() {
    return plans.export(caller.token());
  }

  /** What applying the file would change; nothing is written. */
  @POST
  @Path("/plan")
  public PlanView plan(JsonNode file) {
    return PlanView.of(plans.plan(caller.token(), file));
  }

  /**
   * Applies the file as the plan whose hash is {@code plan_hash} said: every change in one write
   * with one audit record, or 409 and nothing written.
   */
  @Audited(value = "catalog.applied", status = 200)
  @POST
  @Path("/apply")
  public PlanView apply(@QueryParam("plan_hash") String planHash, JsonNode file) {
    return PlanView.of(plans.apply(caller.token(), file, planHash));
  }

  /**
   * A plan as answered.
   *
   * @param applicable false when {@code refusals} holds why an apply would be refused
   */
  @RegisterForReflection(
      targets = {
        CatalogPlan.Change.class,
        CatalogPlan.FieldChange.class,
        CatalogPlan.LicenseChange.class,
        CatalogPlan.AnswerChange.class,
        CatalogPlan.Refusal.class,
        CatalogPlan.Action.class
      })
  record PlanView(
      String planHash,
      boolean hasChanges,
      boolean applicable,
      List<CatalogPlan.Change> changes,
      List<CatalogPlan.LicenseChange> licenses,
      List<CatalogPlan.Refusal> refusals) {
    static PlanView of(CatalogPlan plan) {
      return new PlanView(
          plan.hash(),
          plan.hasChanges(),
          plan.applicable(),
          plan.changes(),
          plan.licenses(),
          plan.refusals());
    }
  }
}
