package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import sh.kaiten.console.Views.DeliveryRow;
import sh.kaiten.console.Views.EndpointRow;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.Webhooks;

/**
 * Webhooks: the endpoints, each one's deliveries (newest first) with their status, and redeliver,
 * through the admin API's use case (same webhook-id, same body, a fresh round of attempts).
 */
@Path(Paths.WEBHOOKS)
@Produces(MediaType.TEXT_HTML)
public class WebhooksResource {
  /** Deliveries a page shows. */
  static final int PAGE_SIZE = 50;

  @Inject Webhooks webhooks;
  @Inject ConsoleJournal journal;
  @Inject CurrentSession session;
  @Inject Pages pages;

  @GET
  public String endpoints() {
    ApiToken caller = session.caller();
    List<EndpointRow> endpoints =
        Page.all(request -> webhooks.endpoints(caller, request)).stream()
            .map(EndpointRow::of)
            .toList();
    return Templates.webhooks(pages.chrome("Webhooks"), endpoints).render();
  }

  @GET
  @Path("/{id}")
  public String deliveries(
      @PathParam("id") String id,
      @QueryParam("cursor") String cursor,
      @QueryParam("redelivered") String redelivered) {
    ApiToken caller = session.caller();
    WebhookEndpoint endpoint = webhooks.endpoint(caller, PathIds.require("webhook", id));
    Page<Delivery> page =
        webhooks.deliveries(caller, endpoint.id(), PageRequest.of(cursor, PAGE_SIZE));
    return Templates.webhook(
            pages.chrome("Webhook " + endpoint.id()),
            EndpointRow.of(endpoint),
            page.items().stream().map(DeliveryRow::of).toList(),
            page.nextCursor(),
            redelivered == null ? null : PathIds.require("redelivered", redelivered))
        .render();
  }

  /** Sends a delivery again; one still pending is a 409 page, and nothing is done. */
  @POST
  @Path("/{id}/deliveries/{delivery}/redeliver")
  public Response redeliver(@PathParam("id") String id, @PathParam("delivery") String delivery) {
    String endpointId = PathIds.require("webhook", id);
    String deliveryId = PathIds.require("delivery", delivery);
    String back = Paths.WEBHOOKS + "/" + endpointId;
    journal.describe(back + "/deliveries/" + deliveryId + "/redeliver", Map.of(), 303);
    try {
      webhooks.redeliver(session.caller(), endpointId, deliveryId);
    } catch (ConflictException e) {
      return pages.error(Response.Status.CONFLICT, e.getMessage(), back);
    }
    return Response.seeOther(URI.create(back + "?redelivered=" + deliveryId)).build();
  }
}
