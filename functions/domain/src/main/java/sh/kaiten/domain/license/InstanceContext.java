package sh.kaiten.domain.license;

import java.time.Instant;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.evaluation.Evaluation;

/** An instance with its license and that license's tier, as stored at the moment of the request. */
public record InstanceContext(String tenantId, Instance instance, License license, Tier tier) {

  public Evaluation evaluate(Entitlement entitlement, Instant now) {
    return LicenseEvaluator.evaluate(license, tier, entitlement, now);
  }
}
