package sh.kaiten.entitlements;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.evaluation.Source;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.metering.UsageStatus;
import sh.kaiten.domain.usage.InstanceEntitlement;
import sh.kaiten.domain.usage.InstanceSnapshot;
import sh.kaiten.http.views.EvaluationView;

/**
 * An instance's entitlements as an SDK holds them in memory to decide checks in-process: {@code
 * {"instance":"acme-prod","license":{...},"entitlements":[...],"as_of":"..."}}.
 *
 * @param license as stored, dates included, so an SDK applies a trial end or an expiry at its
 *     instant
 * @param entitlements every entitlement of the tenant, in slug order
 * @param asOf when the entitlements were evaluated, to the millisecond; the one field the ETag
 *     leaves out
 */
@RegisterForReflection
public record SnapshotView(
    String instance, LicenseView license, List<EntitlementView> entitlements, Instant asOf) {
  /**
   * The field the ETag leaves out: it changes on every answer, the rest only when something
   * changed.
   */
  static final String AS_OF = "as_of";

  static SnapshotView of(InstanceSnapshot snapshot) {
    return new SnapshotView(
        snapshot.instanceId(),
        LicenseView.of(snapshot.license()),
        snapshot.entitlements().stream().map(EntitlementView::of).toList(),
        snapshot.asOf().truncatedTo(ChronoUnit.MILLIS));
  }

  /** The license an instance is on, as stored; null dates are not set. */
  @RegisterForReflection
  @Schema(name = "SnapshotLicense")
  public record LicenseView(
      String id, LicenseStatus status, Instant startsAt, Instant trialEndsAt, Instant expiresAt) {
    static LicenseView of(License license) {
      return new LicenseView(
          license.id(),
          license.status(),
          license.startsAt(),
          license.trialEndsAt(),
          license.expiresAt());
    }
  }

  /**
   * One entitlement evaluated.
   *
   * @param value what the license gives: true/false for BOOLEAN, the limit for NUMERIC (null when
   *     unlimited), the payload for CONFIG; null when nothing is granted ({@code enabled} false,
   *     with the {@code reason}: NOT_IN_TIER, LICENSE_SUSPENDED, TRIAL_ENDED, ...). A BOOLEAN set
   *     to false is {@code false}, with reason DISABLED.
   * @param metering NUMERIC only: the key is left out for BOOLEAN and CONFIG
   * @param usage NUMERIC only (left out otherwise): the current period's counter
   */
  @RegisterForReflection
  @Schema(name = "SnapshotEntitlement")
  public record EntitlementView(
      String slug,
      EntitlementType type,
      boolean enabled,
      Source source,
      Reason reason,
      @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode value,
      @JsonInclude(JsonInclude.Include.NON_NULL) MeteringView metering,
      @JsonInclude(JsonInclude.Include.NON_NULL) PeriodUsageView usage) {

    static EntitlementView of(InstanceEntitlement entitlement) {
      Evaluation evaluation = entitlement.evaluation();
      Metering metering = evaluation.entitlement().metering();
      return new EntitlementView(
          evaluation.entitlement().slug(),
          evaluation.entitlement().type(),
          evaluation.enabled(),
          evaluation.source(),
          evaluation.reason(),
          EvaluationView.json(evaluation.value()),
          metering == null ? null : MeteringView.of(metering),
          entitlement.usage() == null ? null : PeriodUsageView.of(entitlement.usage()));
    }
  }

  /** How a NUMERIC entitlement is metered and enforced. */
  @RegisterForReflection
  @Schema(name = "SnapshotMetering")
  public record MeteringView(
      Aggregation aggregation,
      Reset reset,
      MeterScope scope,
      Enforcement enforcement,
      BigDecimal overagePercent,
      String unit) {
    static MeteringView of(Metering metering) {
      return new MeteringView(
          metering.aggregation(),
          metering.reset(),
          metering.scope(),
          metering.enforcement(),
          metering.overagePercent(),
          metering.unit());
    }
  }

  /**
   * Where a NUMERIC entitlement's counter stands in its current period.
   *
   * @param limit null when unlimited, and when the license grants nothing now (then {@code status}
   *     is REJECTED)
   * @param periodStart null, as {@code periodEnd}, for a lifetime counter ({@code reset: NONE})
   */
  @RegisterForReflection
  @Schema(name = "SnapshotPeriodUsage")
  public record PeriodUsageView(
      BigDecimal currentUsage,
      BigDecimal limit,
      UsageStatus status,
      Instant periodStart,
      Instant periodEnd) {
    static PeriodUsageView of(UsageState state) {
      return new PeriodUsageView(
          state.currentUsage(),
          state.limit(),
          state.status(),
          state.period().start(),
          state.period().end());
    }
  }
}
