package sh.kaiten.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.domain.crm.CrmConnector;
import sh.kaiten.domain.crm.CrmConnectorAdministration;
import sh.kaiten.domain.crm.CrmConnectorStatus;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/**
 * The tenant's CRM connector (admin token): the https URL each customer's usage properties are
 * pushed to, signed as webhooks are. Its signing secret is answered once, when the connector is
 * created; each change is audited without it.
 */
@Path("/api/connectors/crm")
@Produces(MediaType.APPLICATION_JSON)
public class CrmConnectorResource {
  @Inject CrmConnectorAdministration connectors;
  @Inject CrmConnectorStatus status;
  @Inject CurrentCaller caller;
  @Inject AuditTrail trail;

  /** A CRM connector as written: {@code url}, where the pushes go. */
  @RegisterForReflection
  record CrmConnectorRequest(String url) {}

  /**
   * A CRM connector as read back: never its secret, except {@code signing_secret} in the answer
   * that created it.
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record CrmConnectorView(
      String type,
      String url,
      @Schema(description = "Shown once, in the answer that created the connector")
          String signingSecret,
      boolean signingSecretSet,
      @Schema(description = "The last UTC day whose daily push went out to every customer")
          LocalDate dailyPushedOn,
      Instant createdAt,
      Instant updatedAt) {
    static CrmConnectorView of(CrmConnector connector, String secret) {
      return new CrmConnectorView(
          "crm",
          connector.url(),
          secret,
          true,
          connector.dailyPushedOn(),
          connector.createdAt(),
          connector.updatedAt());
    }
  }

  /** Creates the connector (201, its secret shown once) or replaces its URL (200, same secret). */
  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Audited("connector.crm.written")
  @APIResponse(
      responseCode = "200",
      description = "Replaced",
      content = @Content(schema = @Schema(implementation = CrmConnectorView.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created, with its signing secret",
      content = @Content(schema = @Schema(implementation = CrmConnectorView.class)))
  public Response put(CrmConnectorRequest request) {
    CrmConnectorAdministration.Written written =
        connectors.put(caller.token(), request == null ? null : request.url());
    CrmConnectorView view = CrmConnectorView.of(written.connector(), written.signingSecret());
    // The record says what changed, never the secret.
    trail.record(
        written.created() ? "connector.crm.created" : "connector.crm.updated",
        null,
        List.of(),
        Map.of("url", view.url()),
        Map.of("status", written.created() ? 201 : 200));
    return Response.status(written.created() ? 201 : 200).entity(view).build();
  }

  @GET
  public CrmConnectorView get() {
    return CrmConnectorView.of(connectors.get(caller.token()), null);
  }

  /** Removes the connector: nothing is pushed from then on. */
  @DELETE
  @Audited("connector.crm.deleted")
  @APIResponse(responseCode = "204", description = "Deleted")
  public Response delete() {
    connectors.delete(caller.token());
    return Response.noContent().build();
  }

  /**
   * The operator view, from the latest pushes: when one last arrived, the oldest pending one's
   * wait, failures and the last error, and the deliveries dead-letter queue's depth.
   */
  @GET
  @Path("/status")
  public ConnectorStatusViews.CrmStatusView status() {
    return ConnectorStatusViews.CrmStatusView.of(status.status(caller.token()));
  }
}
