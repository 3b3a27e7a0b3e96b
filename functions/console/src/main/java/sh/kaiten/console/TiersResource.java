package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import sh.kaiten.console.Views.Matrix;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CatalogAdministration;
import sh.kaiten.domain.paging.Page;

/** The catalog as a matrix: what each tier gives each entitlement. */
@Path(Paths.TIERS)
@Produces(MediaType.TEXT_HTML)
public class TiersResource {
  @Inject CatalogAdministration catalog;
  @Inject CurrentSession session;
  @Inject Pages pages;

  @GET
  public String tiers() {
    ApiToken caller = session.caller();
    Matrix matrix =
        Matrix.of(
            Page.all(request -> catalog.tiers(caller, request)),
            Page.all(request -> catalog.entitlements(caller, request)));
    return Templates.tiers(pages.chrome("Tiers and entitlements"), matrix).render();
  }
}
