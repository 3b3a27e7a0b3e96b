package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.evaluation.Source;

/** Evaluates an entitlement against a license as stored now: override, then tier, then nothing. */
public final class LicenseEvaluator {

  private LicenseEvaluator() {}

  public static Evaluation evaluate(
      License license, Tier tier, Entitlement entitlement, Instant now) {
    Optional<Reason> inactive = license.inactiveReason(now);
    if (inactive.isPresent()) {
      return new Evaluation(entitlement, false, null, Source.NONE, inactive.get());
    }
    EntitlementValue override = license.overrides().get(entitlement.slug());
    if (override != null) {
      return granted(entitlement, override, Source.OVERRIDE);
    }
    EntitlementValue fromTier = tier == null ? null : tier.entitlements().get(entitlement.slug());
    if (fromTier != null) {
      return granted(entitlement, fromTier, Source.TIER);
    }
    return new Evaluation(entitlement, false, null, Source.NONE, Reason.NOT_IN_TIER);
  }

  private static Evaluation granted(
      Entitlement entitlement, EntitlementValue value, Source source) {
    if (value instanceof EntitlementValue.Flag flag && !flag.enabled()) {
      return new Evaluation(entitlement, false, value, source, Reason.DISABLED);
    }
    return new Evaluation(entitlement, true, value, source, Reason.GRANTED);
  }
}
