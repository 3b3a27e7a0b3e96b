package sh.kaiten.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.billing.BillingJob;
import sh.kaiten.domain.billing.ReconciliationScheduling;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/**
 * A reconciliation of the tenant's Stripe connector asked for by an admin, beside the scheduler's
 * daily one: billing-sync compares what Kaiten counted in a window with Stripe's meter event
 * summaries and records what differs (the connector's status, {@code
 * billing.reconciliation_mismatch} events).
 */
@Path("/api/connectors/stripe/reconciliation")
@Produces(MediaType.APPLICATION_JSON)
public class StripeReconciliationResource {
  @Inject ReconciliationScheduling reconciliations;
  @Inject CurrentCaller caller;

  /** {@code from} (required) and {@code to} (default now's minute), ISO-8601 whole minutes. */
  @RegisterForReflection
  record ReconciliationRequest(String from, String to) {}

  /** The reconciliation as queued. */
  @RegisterForReflection
  record ReconciliationView(String status, String runId, Instant from, Instant to) {
    static ReconciliationView of(BillingJob.Reconciliation job) {
      return new ReconciliationView("queued", job.runId(), job.windowStart(), job.windowEnd());
    }
  }

  /** Queues it; a bad window is a 400 naming its field, and nothing is queued. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Audited(value = "connector.stripe.reconciliation_requested", status = 202)
  @APIResponse(
      responseCode = "202",
      description =
          "Queued: billing-sync compares the window's counted usage with Stripe's summaries; the"
              + " connector's status shows the result",
      content = @Content(schema = @Schema(implementation = ReconciliationView.class)))
  public Response reconcile(ReconciliationRequest request) {
    caller.token().requireAdmin();
    if (request == null) {
      throw new InvalidInputException(
          null, "a JSON body {\"from\": ...} is required (ISO-8601, whole minutes)");
    }
    BillingJob.Reconciliation job =
        reconciliations.request(
            caller.token(),
            QueryParams.instant("from", request.from(), true),
            QueryParams.instant("to", request.to(), false));
    return Response.status(202).entity(ReconciliationView.of(job)).build();
  }
}
