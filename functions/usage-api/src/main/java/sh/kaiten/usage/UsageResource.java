package sh.kaiten.usage;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.usage.ReportResult;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.http.CurrentCaller;
import sh.kaiten.http.views.UsageView;

/** The write path: instances report what they used. */
@Path("/api/instances/{id}/usage")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {
  @Inject UsageReporting reporting;
  @Inject CurrentCaller caller;

  /** Counts one report and answers the usage state after it; REJECTED reports are answered, not counted. */
  @POST
  public UsageView report(@PathParam("id") String instanceId, ReportRequest request) {
    if (request == null) {
      throw new InvalidInputException(null, "a JSON body {\"entitlement_slug\": ..., \"value\": ...} is required");
    }
    ReportResult result = reporting.report(caller.token(), instanceId, request.toReport());
    return UsageView.of(result.state(), result.reason());
  }
}
