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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import sh.kaiten.admin.AdminRequests.CustomerRequest;
import sh.kaiten.admin.AdminRequests.EntitlementRequest;
import sh.kaiten.admin.AdminRequests.InstanceRequest;
import sh.kaiten.admin.AdminViews.CreatedInstance;
import sh.kaiten.admin.AdminViews.EntitlementView;
import sh.kaiten.admin.AdminViews.LicenseView;
import sh.kaiten.admin.AdminViews.ListView;
import sh.kaiten.admin.AdminViews.NewToken;
import sh.kaiten.admin.AdminViews.TierView;
import sh.kaiten.domain.admin.CatalogAdministration;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.InstanceCreated;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.paging.PageRequest;
import sh.kaiten.http.Audited;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.MergePatches;

/**
 * The control plane's records: entitlements, tiers, customers, licenses, instances (admin token).
 */
@Path("/api")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final List<String> ENTITLEMENT_CHANGES =
      List.of("name", "enforcement", "overage_percent", "thresholds", "unit", "config_schema");
  private static final List<String> TIER_CHANGES = List.of("name", "rank", "entitlements");
  private static final List<String> CUSTOMER_CHANGES = List.of("name", "metadata");
  private static final List<String> INSTANCE_CHANGES = List.of("name", "labels");

  @Inject CatalogAdministration catalog;
  @Inject CustomerAdministration customers;
  @Inject InstanceAdministration instances;
  @Inject LicenseAdministration licenses;
  @Inject CurrentCaller caller;
  @Inject MergePatches patches;

  @Audited("entitlement.created")
  @POST
  @Path("/entitlements")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = EntitlementView.class)))
  public Response createEntitlement(EntitlementRequest request) {
    EntitlementView created =
        EntitlementView.of(catalog.createEntitlement(caller.token(), required(request).toDraft()));
    return created("/api/entitlements/" + created.slug(), created);
  }

  @GET
  @Path("/entitlements")
  public ListView<EntitlementView> entitlements(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return ListView.of(
        catalog.entitlements(caller.token(), page(cursor, limit)), EntitlementView::of);
  }

  @GET
  @Path("/entitlements/{slug}")
  public EntitlementView entitlement(@PathParam("slug") String slug) {
    return EntitlementView.of(catalog.entitlement(caller.token(), slug));
  }

  /**
   * Changes an entitlement (JSON Merge Patch); what its counters mean (type, aggregation, reset,
   * scope) stays.
   */
  @Audited("entitlement.updated")
  @PATCH
  @Path("/entitlements/{slug}")
  @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
  public EntitlementView updateEntitlement(@PathParam("slug") String slug, JsonNode patch) {
    Entitlement current = catalog.entitlement(caller.token(), slug);
    Entitlement wanted =
        patches
            .apply(
                EntitlementView.of(current), patch, ENTITLEMENT_CHANGES, EntitlementRequest.class)
            .toDraft();
    return EntitlementView.of(catalog.updateEntitlement(caller.token(), current, wanted));
  }

  @Audited("entitlement.deleted")
  @DELETE
  @Path("/entitlements/{slug}")
  public void deleteEntitlement(@PathParam("slug") String slug) {
    catalog.deleteEntitlement(caller.token(), slug);
  }

  @Audited("tier.created")
  @POST
  @Path("/tiers")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = TierView.class)))
  public Response createTier(TierDraft request) {
    TierView created = TierView.of(catalog.createTier(caller.token(), required(request)));
    return created("/api/tiers/" + created.slug(), created);
  }

  @GET
  @Path("/tiers")
  public ListView<TierView> tiers(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return ListView.of(catalog.tiers(caller.token(), page(cursor, limit)), TierView::of);
  }

  @GET
  @Path("/tiers/{slug}")
  public TierView tier(@PathParam("slug") String slug) {
    return TierView.of(catalog.tier(caller.token(), slug));
  }

  /** Changes a tier (JSON Merge Patch): an entitlement set to null leaves the tier. */
  @Audited("tier.updated")
  @PATCH
  @Path("/tiers/{slug}")
  @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
  public TierView updateTier(@PathParam("slug") String slug, JsonNode patch) {
    Tier current = catalog.tier(caller.token(), slug);
    TierDraft wanted = patches.apply(TierView.of(current), patch, TIER_CHANGES, TierDraft.class);
    return TierView.of(catalog.updateTier(caller.token(), current, wanted));
  }

  @Audited("tier.deleted")
  @DELETE
  @Path("/tiers/{slug}")
  public void deleteTier(@PathParam("slug") String slug) {
    catalog.deleteTier(caller.token(), slug);
  }

  @Audited("customer.created")
  @POST
  @Path("/customers")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = Customer.class)))
  public Response createCustomer(CustomerRequest request) {
    Customer created =
        customers.createCustomer(caller.token(), required(request).name(), request.metadata());
    return created("/api/customers/" + created.id(), created);
  }

  @GET
  @Path("/customers")
  public ListView<Customer> customers(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return ListView.of(
        customers.customers(caller.token(), page(cursor, limit)), customer -> customer);
  }

  @GET
  @Path("/customers/{id}")
  public Customer customer(@PathParam("id") String id) {
    return customers.customer(caller.token(), id);
  }

  @Audited("customer.updated")
  @PATCH
  @Path("/customers/{id}")
  @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
  public Customer updateCustomer(@PathParam("id") String id, JsonNode patch) {
    Customer current = customers.customer(caller.token(), id);
    CustomerRequest wanted = patches.apply(current, patch, CUSTOMER_CHANGES, CustomerRequest.class);
    return customers.updateCustomer(
        caller.token(),
        current,
        new Customer(current.id(), wanted.name(), wanted.metadata(), current.createdAt()));
  }

  @Audited("customer.deleted")
  @DELETE
  @Path("/customers/{id}")
  public void deleteCustomer(@PathParam("id") String id) {
    customers.deleteCustomer(caller.token(), id);
  }

  @Audited("license.created")
  @POST
  @Path("/licenses")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = LicenseView.class)))
  public Response createLicense(LicenseDraft request) {
    LicenseView created = LicenseView.of(licenses.createLicense(caller.token(), required(request)));
    return created("/api/licenses/" + created.id(), created);
  }

  @GET
  @Path("/licenses")
  public ListView<LicenseView> licenses(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return ListView.of(licenses.licenses(caller.token(), page(cursor, limit)), LicenseView::of);
  }

  @GET
  @Path("/licenses/{id}")
  public LicenseView license(@PathParam("id") String id) {
    return LicenseView.of(licenses.license(caller.token(), id));
  }

  /**
   * Changes a license's tier, status, dates or overrides (JSON Merge Patch); every instance of it
   * gets the new answer on its next request.
   */
  @Audited("license.updated")
  @PATCH
  @Path("/licenses/{id}")
  @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
  public LicenseView updateLicense(@PathParam("id") String id, JsonNode body) {
    return LicenseView.of(
        licenses.updateLicense(caller.token(), id, AdminRequests.licensePatch(body)));
  }

  @Audited("license.deleted")
  @DELETE
  @Path("/licenses/{id}")
  public void deleteLicense(@PathParam("id") String id) {
    licenses.deleteLicense(caller.token(), id);
  }

  /** Creates an instance; the answer carries its instance token, shown this once. */
  @Audited("instance.created")
  @POST
  @Path("/instances")
  @APIResponse(
      responseCode = "201",
      description = "Created, with its instance token (shown once)",
      content = @Content(schema = @Schema(implementation = CreatedInstance.class)))
  public Response createInstance(InstanceRequest request) {
    required(request);
    InstanceCreated created =
        instances.createInstance(
            caller.token(), request.id(), request.licenseId(), request.name(), request.labels());
    return created(
        "/api/instances/" + created.instance().id(),
        CreatedInstance.of(
            created.instance(), new NewToken(created.token().id(), created.secret())));
  }

  @GET
  @Path("/instances")
  public ListView<Instance> instances(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    return ListView.of(
        instances.instances(caller.token(), page(cursor, limit)), instance -> instance);
  }

  @GET
  @Path("/instances/{id}")
  public Instance instance(@PathParam("id") String id) {
    return instances.instance(caller.token(), id);
  }

  @Audited("instance.updated")
  @PATCH
  @Path("/instances/{id}")
  @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
  public Instance updateInstance(@PathParam("id") String id, JsonNode patch) {
    Instance current = instances.instance(caller.token(), id);
    InstanceRequest wanted = patches.apply(current, patch, INSTANCE_CHANGES, InstanceRequest.class);
    return instances.updateInstance(
        caller.token(),
        current,
        new Instance(
            current.id(), wanted.licenseId(), wanted.name(), wanted.labels(), current.createdAt()));
  }

  /** Deletes an instance; its tokens stop working at once. */
  @Audited("instance.deleted")
  @DELETE
  @Path("/instances/{id}")
  public void deleteInstance(@PathParam("id") String id) {
    instances.deleteInstance(caller.token(), id);
  }

  /**
   * The page a list request asks for: {@code limit} 1 to 200 (default 50), {@code cursor} from the
   * last page.
   */
  private static PageRequest page(String cursor, String limit) {
    return AdminRequests.page(cursor, limit);
  }

  private static <T> T required(T body) {
    return AdminRequests.required(body);
  }

  private static Response created(String location, Object body) {
    return Response.created(URI.create(location)).entity(body).build();
  }
}
