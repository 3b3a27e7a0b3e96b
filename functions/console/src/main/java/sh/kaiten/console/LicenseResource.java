package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import sh.kaiten.console.Views.LicensePage;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.license.License;

/**
 * A license: its tier, status, dates and overrides, and its instances (read only in this version).
 */
@Path(Paths.ROOT + "/licenses/{id}")
@Produces(MediaType.TEXT_HTML)
public class LicenseResource {
  @Inject LicenseAdministration licenses;
  @Inject CustomerAdministration customers;
  @Inject InstanceAdministration instances;
  @Inject CurrentSession session;
  @Inject Pages pages;

  @GET
  public String license(@PathParam("id") String id) {
    ApiToken caller = session.caller();
    License license = licenses.license(caller, PathIds.require("license", id));
    LicensePage page =
        LicensePage.of(
            license,
            customers.customer(caller, license.customerId()),
            instances.instancesOf(caller, license.id()));
    return Templates.license(pages.chrome("License " + license.id()), page).render();
  }
}
