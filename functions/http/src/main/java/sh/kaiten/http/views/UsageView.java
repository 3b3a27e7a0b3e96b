package sh.kaiten.http.views;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.metering.UsageStatus;

/**
 * A NUMERIC entitlement's usage as the API shows it, e.g. {@code
 * {"entitlement":"api-calls","limit":100000,"current_usage":67433,"percentage_used":67.4,"status":"ACCEPTED",...}}.
 *
 * @param reason on a usage report, why it was REJECTED; null otherwise
 */
@RegisterForReflection
public record UsageView(
    String entitlement,
    BigDecimal limit,
    BigDecimal currentUsage,
    BigDecimal percentageUsed,
    UsageStatus status,
    Reason reason,
    Aggregation aggregation,
    Instant periodStart,
    Instant periodEnd,
    Enforcement enforcement,
    String unit) {

  public static UsageView of(UsageState state, Reason reason) {
    return new UsageView(
        state.entitlement(),
        state.limit(),
        state.currentUsage(),
        state.percentageUsed(),
        state.status(),
        reason,
        state.aggregation(),
        state.period().start(),
        state.period().end(),
        state.enforcement(),
        state.unit());
  }
}
