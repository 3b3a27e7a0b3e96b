package sh.kaiten.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import sh.kaiten.domain.access.RequestBudget;

/**
 * Holds each tenant to its request budget: once the caller's tenant has used it up, 429
 * problem+json with {@code Retry-After} (whole seconds until the budget has room), before anything
 * is read or written for the request. Runs right after {@link Authentication}, which names the
 * tenant.
 */
@Provider
@Priority(Priorities.AUTHENTICATION + 1)
public class TenantBudget implements ContainerRequestFilter {
  // Resolved per request: providers are built during static init, before runtime config exists.
  @Inject Instance<RequestBudget> budget;
  @Inject CurrentCaller caller;

  @Override
  public void filter(ContainerRequestContext request) {
    if (!caller.authenticated()) {
      return;
    }
    budget
        .get()
        .admit(caller.token().tenantId())
        .ifPresent(wait -> request.abortWith(refusal(wait)));
  }

  private static Response refusal(Duration wait) {
    long seconds = Math.max(1, wait.plusMillis(999).toSeconds());
    return Response.fromResponse(
            Problems.problem(
                429,
                "request-budget-exceeded",
                "this tenant's request budget is used up; retry after " + seconds + " s",
                null))
        .header(HttpHeaders.RETRY_AFTER, seconds)
        .build();
  }
}
