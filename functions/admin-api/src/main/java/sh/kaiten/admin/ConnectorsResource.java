package sh.kaiten.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.billing.MeterMapping;
import sh.kaiten.domain.billing.StripeConnector;
import sh.kaiten.domain.billing.StripeConnectorAdministration;
import sh.kaiten.domain.billing.StripeConnectorDraft;
import sh.kaiten.domain.billing.StripeConnectorStatus;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/**
 * The tenant's Stripe connector (admin token): which entitlements go to which Stripe meters, and
 * its restricted key, which is stored in Secrets Manager and never answered. Each change is audited
 * without the key.
 */
@Path("/api/connectors/stripe")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectorsResource {
  @Inject StripeConnectorAdministration connectors;
  @Inject StripeConnectorStatus status;
  @Inject CurrentCaller caller;
  @Inject AuditTrail trail;

  /**
   * A connector as written: {@code api_key} (required to create; left out, the stored key stays),
   * {@code customer_id_key} (the customers' metadata key holding their Stripe id, default {@code
   * stripe_customer_id}), {@code meters} (entitlement slug → its Stripe meter's {@code event_name}
   * and a {@code scale}, default 1).
   */
  @RegisterForReflection
  record ConnectorRequest(String apiKey, String customerIdKey, Map<String, MeterRequest> meters) {
    StripeConnectorDraft toDraft() {
      Map<String, StripeConnectorDraft.Meter> drafts = null;
      if (meters != null) {
        drafts = new LinkedHashMap<>();
        for (var meter : meters.entrySet()) {
          MeterRequest m = meter.getValue();
          drafts.put(
              meter.getKey(),
              m == null ? null : new StripeConnectorDraft.Meter(m.eventName(), m.scale()));
        }
      }
      return new StripeConnectorDraft(apiKey, customerIdKey, drafts);
    }
  }

  @RegisterForReflection
  record MeterRequest(String eventName, BigDecimal scale) {}

  /** A connector as read back: never its key. */
  @RegisterForReflection
  record ConnectorView(
      String type,
      String customerIdKey,
      Map<String, MeterView> meters,
      boolean apiKeySet,
      Instant createdAt,
      Instant updatedAt) {
    static ConnectorView of(StripeConnector connector) {
      Map<String, MeterView> meters = new LinkedHashMap<>();
      connector.meters().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(meter -> meters.put(meter.getKey(), MeterView.of(meter.getValue())));
      return new ConnectorView(
          "stripe",
          connector.customerIdKey(),
          meters,
          true,
          connector.createdAt(),
          connector.updatedAt());
    }
  }

  /** How one entitlement's usage goes: per report (sum, count) or per window (last). */
  @RegisterForReflection
  record MeterView(String eventName, BigDecimal scale, String formula) {
    static MeterView of(MeterMapping mapping) {
      return new MeterView(
          mapping.eventName(),
          new BigDecimal(mapping.scale().toPlainString()),
          mapping.formula().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Creates or replaces the connector; nothing is written when a field is refused. */
  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Audited("connector.stripe.written")
  @APIResponse(
      responseCode = "200",
      description = "Replaced",
      content = @Content(schema = @Schema(implementation = ConnectorView.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = ConnectorView.class)))
  public Response put(ConnectorRequest request) {
    StripeConnectorAdministration.Written written =
        connectors.put(caller.token(), request == null ? null : request.toDraft());
    ConnectorView view = ConnectorView.of(written.connector());
    // The record says what changed, never the key.
    trail.record(
        written.created() ? "connector.stripe.created" : "connector.stripe.updated",
        null,
        List.copyOf(view.meters().keySet()),
        Map.of(
            "customer_id_key",
            view.customerIdKey(),
            "meters",
            view.meters(),
            "api_key_changed",
            request.apiKey() != null),
        Map.of("status", written.created() ? 201 : 200));
    return Response.status(written.created() ? 201 : 200).entity(view).build();
  }

  @GET
  public ConnectorView get() {
    return ConnectorView.of(connectors.get(caller.token()));
  }

  /** Removes the connector and its key; usage is not sent to Stripe from then on. */
  @DELETE
  @Audited("connector.stripe.deleted")
  @APIResponse(responseCode = "204", description = "Deleted")
  public Response delete() {
    connectors.delete(caller.token());
    return Response.noContent().build();
  }

  /**
   * The operator view: what billing-sync last sent and when, its lag and errors, and the billing
   * queue's and its dead-letter queue's depths.
   */
  @GET
  @Path("/status")
  public ConnectorStatusViews.StripeStatusView status() {
    return ConnectorStatusViews.StripeStatusView.of(status.status(caller.token()));
  }
}
