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
import sh.kaiten.domain.billing.StripeBackfill;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/**
 * Backfill of the tenant's Stripe connector (admin token): the reports counted in a past range, at
 * most Stripe's 35 days back, sent by billing-sync under the identifiers live sync gives them, so
 * nothing is billed twice. Its own resource beside {@link ConnectorsResource}, whose path it
 * extends.
 */
@Path("/api/connectors/stripe/backfill")
@Produces(MediaType.APPLICATION_JSON)
public class StripeBackfillResource {
  @Inject StripeBackfill backfills;
  @Inject CurrentCaller caller;

  /** {@code from} (required) and {@code to} (default now), ISO-8601 instants. */
  @RegisterForReflection
  record BackfillRequest(String from, String to) {}

  /** The backfill as queued. */
  @RegisterForReflection
  record BackfillView(String status, Instant from, Instant to) {
    static BackfillView of(BillingJob.Backfill job) {
      return new BackfillView("queued", job.from(), job.to());
    }
  }

  /** Queues the backfill; a bad range is a 400 naming its field, and nothing is queued. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Audited(value = "connector.stripe.backfill_requested", status = 202)
  @APIResponse(
      responseCode = "202",
      description = "Queued: billing-sync sends the range's reports that Stripe does not have",
      content = @Content(schema = @Schema(implementation = BackfillView.class)))
  public Response backfill(BackfillRequest request) {
    caller.token().requireAdmin(); // who may ask comes before what is asked
    if (request == null) {
      throw new InvalidInputException(
          null, "a JSON body {\"from\": ..., \"to\": ...} is required (ISO-8601 instants)");
    }
    BillingJob.Backfill job =
        backfills.request(
            caller.token(),
            QueryParams.instant("from", request.from(), true),
            QueryParams.instant("to", request.to(), false));
    return Response.status(202).entity(BackfillView.of(job)).build();
  }
}
