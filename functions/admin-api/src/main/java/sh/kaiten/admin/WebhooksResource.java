package sh.kaiten.admin;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.admin.AdminRequests.WebhookRequest;
import sh.kaiten.admin.AdminViews.CreatedWebhookView;
import sh.kaiten.admin.AdminViews.DeliveryView;
import sh.kaiten.admin.AdminViews.ListView;
import sh.kaiten.admin.AdminViews.WebhookView;
import sh.kaiten.domain.webhooks.Webhooks;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/** Webhook endpoints, their secrets, test events and delivery logs (admin token). */
@Path("/api/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhooksResource {
  @Inject Webhooks webhooks;
  @Inject CurrentCaller caller;

  /** Creates an endpoint; its signing secret is in this answer only. */
  @Audited("webhook.created")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @APIResponse(
      responseCode = "201",
      description = "Created, with its signing secret (shown once)",
      content = @Content(schema = @Schema(implementation = CreatedWebhookView.class)))
  public Response create(WebhookRequest request) {
    CreatedWebhookView created =
        CreatedWebhookView.of(
            webhooks.create(caller.token(), AdminRequests.required(request).toDraft()));
    return Response.created(URI.create("/api/webhooks/" + created.id())).entity(created).build();
  }

  @GET
  public ListView<WebhookView> list(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return ListView.of(
        webhooks.endpoints(caller.token(), AdminRequests.page(cursor, limit)), WebhookView::of);
  }

  @GET
  @Path("/{id}")
  public WebhookView get(@PathParam("id") String id) {
    return WebhookView.of(webhooks.endpoint(caller.token(), id));
  }

  @Audited("webhook.updated")
  @PATCH
  @Path("/{id}")
  @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
  public WebhookView update(@PathParam("id") String id, JsonNode body) {
    return WebhookView.of(webhooks.update(caller.token(), id, AdminRequests.webhookPatch(body)));
  }

  @Audited("webhook.deleted")
  @DELETE
  @Path("/{id}")
  @APIResponse(responseCode = "204", description = "Deleted")
  public Response delete(@PathParam("id") String id) {
    webhooks.delete(caller.token(), id);
    return Response.noContent().build();
  }

  /** A new signing secret, shown once; the old one keeps signing beside it for the grace period. */
  @Audited("webhook.secret_rotated")
  @POST
  @Path("/{id}/rotate-secret")
  public CreatedWebhookView rotateSecret(@PathParam("id") String id) {
    return CreatedWebhookView.of(webhooks.rotateSecret(caller.token(), id));
  }

  /**
   * Sends a {@code webhook.test} event to this endpoint; the answer is its delivery, stored with
   * its dispatch and its record, on its way.
   */
  @Audited(value = "webhook.tested", status = 202)
  @POST
  @Path("/{id}/test")
  @APIResponse(
      responseCode = "202",
      description = "The test delivery, on its way",
      content = @Content(schema = @Schema(implementation = DeliveryView.class)))
  public Response test(@PathParam("id") String id) {
    return Response.accepted(DeliveryView.of(webhooks.test(caller.token(), id))).build();
  }

  /** The endpoint's delivery log, newest first. */
  @GET
  @Path("/{id}/deliveries")
  public ListView<DeliveryView> deliveries(
      @PathParam("id") String id,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    return ListView.of(
        webhooks.deliveries(caller.token(), id, AdminRequests.page(cursor, limit)),
        DeliveryView::of);
  }

  /** Sends a delivery again, same {@code webhook-id} and body, with a fresh round of attempts. */
  @Audited(value = "webhook.redelivered", status = 202)
  @POST
  @Path("/{id}/deliveries/{delivery_id}/redeliver")
  @APIResponse(
      responseCode = "202",
      description = "The new delivery, on its way",
      content = @Content(schema = @Schema(implementation = DeliveryView.class)))
  public Response redeliver(
      @PathParam("id") String id, @PathParam("delivery_id") String deliveryId) {
    return Response.accepted(DeliveryView.of(webhooks.redeliver(caller.token(), id, deliveryId)))
        .build();
  }
}
