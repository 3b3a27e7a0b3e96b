package sh.kaiten.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import sh.kaiten.domain.usage.CheckReason;
import sh.kaiten.domain.usage.CheckTallies;
import sh.kaiten.domain.usage.CheckTally;
import sh.kaiten.domain.usage.UsageReport;

/**
 * The body of {@code POST /api/instances/{id}/usage}, and one event of a batch.
 *
 * @param reports how many reports a settlement naming {@code lease_id} stands for (see {@link
 *     UsageReport}); a whole number on the wire, or left out for one
 */
@RegisterForReflection
public record ReportRequest(
    String entitlementSlug,
    BigDecimal value,
    Instant timestamp,
    String idempotencyKey,
    @JsonInclude(JsonInclude.Include.NON_NULL) String leaseId,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer reports) {

  public ReportRequest(
      String entitlementSlug,
      BigDecimal value,
      Instant timestamp,
      String idempotencyKey,
      String leaseId) {
    this(entitlementSlug, value, timestamp, idempotencyKey, leaseId, null);
  }

  public ReportRequest(
      String entitlementSlug, BigDecimal value, Instant timestamp, String idempotencyKey) {
    this(entitlementSlug, value, timestamp, idempotencyKey, null);
  }

  UsageReport toReport() {
    return new UsageReport(entitlementSlug, value, timestamp, idempotencyKey, leaseId, reports);
  }

  /**
   * The body of {@code POST /api/instances/{id}/usage/batch}.
   *
   * @param checks the tallies of an SDK's own checks, for the audit trail; null when none are sent
   */
  @RegisterForReflection
  @Schema(name = "ReportBatch")
  public record Batch(List<ReportRequest> events, Checks checks) {}

  /** {@code {"id": "chk-...", "tallies": [...]}}: see {@link CheckTallies}. */
  @RegisterForReflection
  public record Checks(String id, List<Tally> tallies) {

    CheckTallies toChecks() {
      return new CheckTallies(
          id,
          tallies == null
              ? null
              : tallies.stream().map(tally -> tally == null ? null : tally.toTally()).toList());
    }

    /**
     * {@code {"entitlement": "sso", "minute": "2026-12-04T01:02:00Z", "allowed": true, "reason":
     * "GRANTED", "count": 1234}}.
     */
    @RegisterForReflection
    public record Tally(
        String entitlement, Instant minute, Boolean allowed, CheckReason reason, Long count) {

      CheckTally toTally() {
        return new CheckTally(entitlement, minute, allowed, reason, count);
      }
    }
  }
}
