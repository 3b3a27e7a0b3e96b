package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import sh.kaiten.console.Views.CustomerRow;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** Customers: searched by name or id, a page at a time, each with its licenses. */
@Path(Paths.CUSTOMERS)
@Produces(MediaType.TEXT_HTML)
public class CustomersResource {
  /** Customers a page shows. */
  static final int PAGE_SIZE = 25;

  @Inject CustomerAdministration customers;
  @Inject LicenseAdministration licenses;
  @Inject CurrentSession session;
  @Inject Pages pages;

  /** The whole page, or (for htmx, as the search is typed) the list alone. */
  @GET
  public String customers(
      @QueryParam("q") String query,
      @QueryParam("cursor") String cursor,
      @HeaderParam("HX-Request") String htmx) {
    ApiToken caller = session.caller();
    Page<Customer> page =
        customers.searchCustomers(caller, query, PageRequest.of(cursor, PAGE_SIZE));
    Map<String, List<License>> held =
        licenses.licensesOf(caller, page.items().stream().map(Customer::id).toList());
    List<CustomerRow> rows =
        page.items().stream().map(c -> CustomerRow.of(c, held.get(c.id()))).toList();
    String shown = query == null ? "" : query;
    boolean paged = cursor != null && !cursor.isBlank();
    if ("true".equals(htmx)) {
      return Templates.customerList(
              pages.chrome("Customers"), shown, rows, page.nextCursor(), paged)
          .render();
    }
    return Templates.customers(pages.chrome("Customers"), shown, rows, page.nextCursor(), paged)
        .render();
  }
}
