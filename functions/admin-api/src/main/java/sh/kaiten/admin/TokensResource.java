package sh.kaiten.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.admin.AdminViews.IssuedTokenView;
import sh.kaiten.admin.AdminViews.TokenList;
import sh.kaiten.admin.AdminViews.TokenView;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.TokenAdministration;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;

/** Admin tokens (create, list, revoke) and instance token rotation (admin token). */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class TokensResource {
  @Inject InstanceAdministration instances;
  @Inject TokenAdministration tokens;
  @Inject CurrentCaller caller;

  /** A new admin token; its secret is in this answer only. */
  @Audited("token.created")
  @POST
  @Path("/tokens")
  @APIResponse(
      responseCode = "201",
      description = "Created, with its secret (shown once)",
      content = @Content(schema = @Schema(implementation = IssuedTokenView.class)))
  public Response create() {
    return issued(IssuedTokenView.of(tokens.createAdminToken(caller.token())));
  }

  @GET
  @Path("/tokens")
  public TokenList list() {
    return new TokenList(tokens.tokens(caller.token()).stream().map(TokenView::of).toList());
  }

  /** Revokes a token: it stops working at once. */
  @Audited("token.revoked")
  @DELETE
  @Path("/tokens/{id}")
  @APIResponse(responseCode = "204", description = "Revoked")
  public Response revoke(@PathParam("id") String id) {
    tokens.revokeToken(caller.token(), id);
    return Response.noContent().build();
  }

  /** A new token for the instance; its old tokens stop working at once. */
  @Audited("instance.token_rotated")
  @POST
  @Path("/instances/{id}/token")
  @APIResponse(
      responseCode = "201",
      description = "Created, with its secret (shown once)",
      content = @Content(schema = @Schema(implementation = IssuedTokenView.class)))
  public Response rotate(@PathParam("id") String instanceId) {
    return issued(IssuedTokenView.of(instances.rotateInstanceToken(caller.token(), instanceId)));
  }

  private static Response issued(IssuedTokenView token) {
    return Response.created(URI.create("/api/tokens/" + token.id())).entity(token).build();
  }
}
