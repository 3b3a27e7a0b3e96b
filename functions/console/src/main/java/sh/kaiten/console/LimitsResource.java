package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.console.Views.NearRow;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.usage.NearLimits;

/**
 * Near and over limits: every instance at or above a percentage (80 unless asked) of a limit,
 * highest first, each linking to its instance: who sales should call today.
 */
@Path(Paths.LIMITS)
@Produces(MediaType.TEXT_HTML)
public class LimitsResource {
  static final String DEFAULT_PERCENT = "80";

  @Inject NearLimits nearLimits;
  @Inject CustomerAdministration customers;
  @Inject CurrentSession session;
  @Inject Pages pages;

  @GET
  public String limits(@QueryParam("percent") String percent) {
    ApiToken caller = session.caller();
    String asked = percent == null || percent.isBlank() ? DEFAULT_PERCENT : percent.strip();
    List<NearLimits.Standing> standings = nearLimits.atOrAbove(caller, percentOf(asked));
    Map<String, String> names = new HashMap<>();
    if (!standings.isEmpty()) {
      Page.all(request -> customers.customers(caller, request))
          .forEach(customer -> names.put(customer.id(), customer.name()));
    }
    List<NearRow> rows =
        standings.stream()
            .map(s -> NearRow.of(s, names.getOrDefault(s.license().customerId(), "")))
            .toList();
    return Templates.limits(pages.chrome("Near and over limits"), asked, rows).render();
  }

  /** Bounded before it is parsed; the range is the use case's to check. */
  private static BigDecimal percentOf(String text) {
    if (text.length() > 8) {
      throw new InvalidInputException("percent", "percent must be a number from 0 to 1000");
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("percent", "percent must be a number from 0 to 1000");
    }
  }
}
