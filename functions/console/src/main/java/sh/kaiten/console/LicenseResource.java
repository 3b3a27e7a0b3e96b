package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.console.Views.Choice;
import sh.kaiten.console.Views.LicensePage;
import sh.kaiten.console.Views.PreviewPage;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CatalogAdministration;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.preview.LicenseChangePreview;

/**
 * A license: its tier, status, dates and overrides, and its instances; and its changes, each
 * previewed (what every instance gets before and after) and then made on confirmation, only on the
 * license as it was previewed.
 */
@Path(Paths.ROOT + "/licenses/{id}")
@Produces(MediaType.TEXT_HTML)
public class LicenseResource {
  @Inject LicenseAdministration licenses;
  @Inject CustomerAdministration customers;
  @Inject InstanceAdministration instances;
  @Inject CatalogAdministration catalog;
  @Inject LicenseChangePreview previews;
  @Inject ConsoleJournal journal;
  @Inject CurrentSession session;
  @Inject Pages pages;
  @Inject Clock clock;

  @GET
  public String license(@PathParam("id") String id, @QueryParam("applied") String applied) {
    ApiToken caller = session.caller();
    License license = licenses.license(caller, PathIds.require("license", id));
    List<Choice> tiers =
        Page.all(request -> catalog.tiers(caller, request)).stream()
            .map(t -> new Choice(t.slug(), t.name() + " (" + t.slug() + ", rank " + t.rank() + ")"))
            .toList();
    List<Choice> entitlements =
        Page.all(request -> catalog.entitlements(caller, request)).stream()
            .map(e -> new Choice(e.slug(), e.slug() + " (" + e.type().name() + ")"))
            .toList();
    LicensePage page =
        LicensePage.of(
            license,
            customers.customer(caller, license.customerId()),
            instances.instancesOf(caller, license.id()),
            tiers,
            entitlements,
            applied != null);
    return Templates.license(pages.chrome("License " + license.id()), page).render();
  }

  /** What the change would give every instance of the license; nothing is written. */
  @POST
  @Path("/preview")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public String preview(
      @PathParam("id") String id,
      @FormParam("change") String change,
      @FormParam("tier") String tier,
      @FormParam("trial_ends_at") String trialEndsAt,
      @FormParam("entitlement") String entitlement,
      @FormParam("value") String value) {
    Instant now = clock.instant();
    LicenseForm form = new LicenseForm(change, tier, trialEndsAt, entitlement, value).fixedAt(now);
    String licenseId = PathIds.require("license", id);
    LicenseChangePreview.Preview preview =
        previews.preview(
            session.caller(),
            licenseId,
            form.patch(now, () -> licenses.license(session.caller(), licenseId)));
    return Templates.licensePreview(
            pages.chrome("Preview a change to " + id),
            PreviewPage.of(form.describe(), preview, form.fields()))
        .render();
  }

  /**
   * Makes the previewed change, audited as the API's; a change stored since the preview makes it a
   * conflict, and nothing is written.
   */
  @POST
  @Path("/change")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response change(
      @PathParam("id") String id,
      @FormParam("change") String change,
      @FormParam("tier") String tier,
      @FormParam("trial_ends_at") String trialEndsAt,
      @FormParam("entitlement") String entitlement,
      @FormParam("value") String value,
      @FormParam("read_at") String readAt) {
    String licenseId = PathIds.require("license", id);
    Instant previewed = readAt(readAt);
    LicenseForm form = new LicenseForm(change, tier, trialEndsAt, entitlement, value);
    Map<String, Object> asked = new LinkedHashMap<>(form.fields());
    asked.put("read_at", previewed.toString());
    journal.describe(Paths.ROOT + "/licenses/" + licenseId + "/change", asked, 303);
    try {
      previews.apply(
          session.caller(),
          licenseId,
          form.patch(clock.instant(), () -> licenses.license(session.caller(), licenseId)),
          previewed);
    } catch (ConflictException e) {
      return pages.error(
          Response.Status.CONFLICT,
          "License "
              + licenseId
              + " was changed by someone else after you previewed this change, so nothing was"
              + " written. Open the license again to see it as it is now, and preview the change"
              + " again.",
          Paths.ROOT + "/licenses/" + licenseId);
    }
    return Response.seeOther(URI.create(Paths.ROOT + "/licenses/" + licenseId + "?applied=1"))
        .build();
  }

  private static Instant readAt(String text) {
    if (text == null || text.length() > LicenseForm.MAX_FIELD) {
      throw new InvalidInputException(
          "read_at", "read_at must be the instant the license was read");
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "read_at", "read_at must be the instant the license was read");
    }
  }
}
