package sh.kaiten.domain.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseEvaluator;
import sh.kaiten.domain.license.LicenseStatus;

class LicenseEvaluatorTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Entitlement SSO =
      new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, NOW);
  private static final Entitlement CALLS =
      new Entitlement("api-calls", "API calls", EntitlementType.NUMERIC, null, null, NOW);
  private static final Tier PRO =
      new Tier(
          "pro",
          "Pro",
          2,
          Map.of(
              "sso",
              new EntitlementValue.Flag(true),
              "api-calls",
              new EntitlementValue.Quota(new BigDecimal("100000"))),
          NOW);

  private static License license(
      LicenseStatus status,
      Instant trialEnds,
      Instant expires,
      Map<String, EntitlementValue> overrides) {
    return new License(
        "lic_1",
        "cus_1",
        "pro",
        status,
        NOW.minusSeconds(86400),
        trialEnds,
        expires,
        overrides,
        NOW,
        NOW);
  }

  @Test
  void tierValueAppliesWithoutOverride() {
    Evaluation evaluation =
        LicenseEvaluator.evaluate(license(LicenseStatus.ACTIVE, null, null, null), PRO, CALLS, NOW);
    assertThat(evaluation)
        .isEqualTo(
            new Evaluation(
                CALLS,
                true,
                new EntitlementValue.Quota(new BigDecimal("100000")),
                Source.TIER,
                Reason.GRANTED));
  }

  @Test
  void overrideBeatsTier() {
    License license =
        license(LicenseStatus.ACTIVE, null, null, Map.of("sso", new EntitlementValue.Flag(false)));
    Evaluation evaluation = LicenseEvaluator.evaluate(license, PRO, SSO, NOW);
    assertThat(evaluation)
        .isEqualTo(
            new Evaluation(
                SSO, false, new EntitlementValue.Flag(false), Source.OVERRIDE, Reason.DISABLED));
  }

  @Test
  void entitlementMissingFromTierIsNotGranted() {
    Entitlement theme =
        new Entitlement(
            "theme",
            "Theme",
            EntitlementType.CONFIG,
            null,
            JsonNodeFactory.instance.objectNode(),
            NOW);
    Evaluation evaluation =
        LicenseEvaluator.evaluate(license(LicenseStatus.ACTIVE, null, null, null), PRO, theme, NOW);
    assertThat(evaluation)
        .isEqualTo(new Evaluation(theme, false, null, Source.NONE, Reason.NOT_IN_TIER));
  }

  @Test
  void inactiveStatusesGrantNothingWithTheirReason() {
    assertThat(
            LicenseEvaluator.evaluate(
                    license(LicenseStatus.SUSPENDED, null, null, null), PRO, SSO, NOW)
                .reason())
        .isEqualTo(Reason.LICENSE_SUSPENDED);
    assertThat(
            LicenseEvaluator.evaluate(
                    license(LicenseStatus.EXPIRED, null, null, null), PRO, SSO, NOW)
                .reason())
        .isEqualTo(Reason.LICENSE_EXPIRED);
    assertThat(
            LicenseEvaluator.evaluate(
                    license(LicenseStatus.CANCELED, null, null, null), PRO, SSO, NOW)
                .reason())
        .isEqualTo(Reason.LICENSE_CANCELED);
  }

  @Test
  void trialStopsGrantingAtTheInstantItEnds() {
    License trial = license(LicenseStatus.TRIAL, NOW, null, null);
    assertThat(LicenseEvaluator.evaluate(trial, PRO, SSO, NOW.minusMillis(1)).enabled()).isTrue();
    Evaluation ended = LicenseEvaluator.evaluate(trial, PRO, SSO, NOW);
    assertThat(ended.enabled()).isFalse();
    assertThat(ended.reason()).isEqualTo(Reason.TRIAL_ENDED);
    assertThat(ended.source()).isEqualTo(Source.NONE);
  }

  @Test
  void licensePastExpiryGrantsNothing() {
    License license = license(LicenseStatus.ACTIVE, null, NOW, null);
    assertThat(LicenseEvaluator.evaluate(license, PRO, CALLS, NOW.minusMillis(1)).enabled())
        .isTrue();
    assertThat(LicenseEvaluator.evaluate(license, PRO, CALLS, NOW).reason())
        .isEqualTo(Reason.LICENSE_EXPIRED);
  }
}
