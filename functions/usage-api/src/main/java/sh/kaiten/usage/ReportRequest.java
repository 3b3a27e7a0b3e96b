package sh.kaiten.usage;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.usage.UsageReport;

/** The body of {@code POST /api/instances/{id}/usage}, and one event of a batch. */
@RegisterForReflection
public record ReportRequest(String entitlementSlug, BigDecimal value, Instant timestamp, String idempotencyKey) {

  UsageReport toReport() {
    return new UsageReport(entitlementSlug, value, timestamp, idempotencyKey);
  }

  /** The body of {@code POST /api/instances/{id}/usage/batch}. */
  @RegisterForReflection
  public record Batch(List<ReportRequest> events) {}
}
