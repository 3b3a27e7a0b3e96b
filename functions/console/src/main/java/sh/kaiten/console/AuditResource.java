package sh.kaiten.console;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import sh.kaiten.console.Views.AuditQuery;
import sh.kaiten.console.Views.AuditRow;
import sh.kaiten.console.Views.VerificationView;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The audit trail: records newest first, filtered by instance, entitlement, type and time; and a
 * range verified (every record hash and the digest chain recomputed, the trail's own verification).
 */
@Path(Paths.AUDIT)
@Produces(MediaType.TEXT_HTML)
public class AuditResource {
  static final int PAGE_SIZE = 50;
  static final int MAX_TYPE = 64;

  @Inject Auditing auditing;
  @Inject CurrentSession session;
  @Inject Pages pages;
  @Inject Clock clock;

  @GET
  public String trail(
      @QueryParam("instance") String instance,
      @QueryParam("entitlement") String entitlement,
      @QueryParam("type") String type,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("cursor") String cursor) {
    return page(new AuditQuery(instance, entitlement, type, from, to), cursor, null, null, null);
  }

  /** Verifies {@code [from, to)} (to defaults to now), and shows the trail's latest records. */
  @GET
  @Path("/verify")
  public String verify(@QueryParam("from") String from, @QueryParam("to") String to) {
    Instant start = Times.instant("from", from);
    if (start == null) {
      throw new InvalidInputException("from", "from is required: the start of the range to verify");
    }
    VerificationView verification =
        VerificationView.of(auditing.verify(session.caller(), start, Times.instant("to", to)));
    return page(new AuditQuery(null, null, null, null, null), null, from, to, verification);
  }

  private String page(
      AuditQuery query,
      String cursor,
      String verifyFrom,
      String verifyTo,
      VerificationView verification) {
    ApiToken caller = session.caller();
    Page<AuditRecord> records =
        auditing.page(caller, filter(query), PageRequest.of(cursor, PAGE_SIZE));
    // The verify form starts at the last day, which the trail verifies in one go.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    return Templates.audit(
            pages.chrome("Audit trail"),
            query,
            records.items().stream().map(AuditRow::of).toList(),
            records.nextCursor(),
            verifyFrom != null ? verifyFrom : local(now.minus(Duration.ofDays(1))),
            verifyTo != null ? verifyTo : "",
            verification)
        .render();
  }

  private static String local(Instant at) {
    return at.toString().substring(0, 16);
  }

  private static AuditFilter filter(AuditQuery query) {
    if (!blank(query.instance()) && !Text.isId(query.instance())) {
      throw new InvalidInputException("instance", "instance must be an instance id");
    }
    if (!blank(query.entitlement()) && !Slugs.isValid(query.entitlement())) {
      throw new InvalidInputException("entitlement", "entitlement must be an entitlement slug");
    }
    Text.line("type", query.type(), MAX_TYPE);
    return new AuditFilter(
        blank(query.instance()) ? null : query.instance(),
        blank(query.entitlement()) ? null : query.entitlement(),
        blank(query.type()) ? null : query.type(),
        Times.instant("from", query.from()),
        Times.instant("to", query.to()));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
