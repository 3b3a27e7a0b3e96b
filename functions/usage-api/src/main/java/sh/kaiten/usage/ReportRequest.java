package sh.kaiten.usage;

import java.math.BigDecimal;
import java.time.Instant;
import sh.kaiten.domain.usage.UsageReport;

/** The body of {@code POST /api/instances/{id}/usage}. */
public record ReportRequest(String entitlementSlug, BigDecimal value, Instant timestamp) {
  UsageReport toReport() {
    return new UsageReport(entitlementSlug, value, timestamp);
  }
}
