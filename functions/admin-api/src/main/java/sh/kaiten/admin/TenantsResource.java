package sh.kaiten.admin;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.admin.AdminRequests.TenantRequest;
import sh.kaiten.admin.AdminViews.CreatedTenant;
import sh.kaiten.admin.AdminViews.NewToken;
import sh.kaiten.domain.admin.TenantBootstrap;
import sh.kaiten.domain.admin.TenantCreated;
import sh.kaiten.http.AuditTrail;
import sh.kaiten.http.Audited;
import sh.kaiten.http.BearerToken;
import sh.kaiten.http.BootstrapAuthenticated;

/** Bootstrap: the deployment's secret creates a tenant and its first admin token. */
@Path("/api/tenants")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TenantsResource {
  @Inject TenantBootstrap tenants;
  @Inject AuditTrail audit;

  @Audited("tenant.created")
  @POST
  @BootstrapAuthenticated
  @APIResponse(
      responseCode = "201",
      description = "Created, with its first admin token (shown once)",
      content = @Content(schema = @Schema(implementation = CreatedTenant.class)))
  public Response create(
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      TenantRequest request) {
    // No token: the record (written with the tenant) names the bootstrap secret as who acted.
    audit.actAs(null, "bootstrap");
    // The secret is checked before the body, so a caller without it learns nothing from errors.
    TenantCreated created =
        tenants.bootstrapTenant(
            BearerToken.of(authorization), request == null ? null : request.name());
    return Response.status(Response.Status.CREATED)
        .entity(
            new CreatedTenant(
                created.tenant().id(),
                created.tenant().name(),
                created.tenant().createdAt(),
                new NewToken(created.adminToken().id(), created.secret())))
        .build();
  }
}
