package sh.kaiten.domain.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;

class UsageStateTest {
  private static final Metering HARD = Metering.defaults();
  private static final Metering SOFT =
      new Metering(null, null, null, null, Enforcement.SOFT, null, null, null);
  private static final Metering SOFT_CAPPED =
      new Metering(null, null, null, null, Enforcement.SOFT, new BigDecimal("10"), null, null);

  private static UsageState state(Metering metering, String limit, String usage) {
    return UsageState.of(
        "api-calls",
        metering,
        limit == null ? null : new BigDecimal(limit),
        new BigDecimal(usage),
        Period.LIFETIME,
        true);
  }

  @Test
  void productPageFigures() {
    UsageState state = state(HARD, "100000", "67433");
    assertThat(state.percentageUsed()).isEqualTo(new BigDecimal("67.4"));
    assertThat(state.status()).isEqualTo(UsageStatus.ACCEPTED);
  }

  @Test
  void percentageRoundsHalfUpToOneDecimal() {
    assertThat(state(HARD, "1000", "675").percentageUsed()).isEqualTo(new BigDecimal("67.5"));
    assertThat(state(HARD, "100000", "67450").percentageUsed()).isEqualTo(new BigDecimal("67.5"));
    assertThat(state(HARD, "100000", "67449").percentageUsed()).isEqualTo(new BigDecimal("67.4"));
    assertThat(state(HARD, "3", "1").percentageUsed()).isEqualTo(new BigDecimal("33.3"));
    assertThat(state(HARD, "0", "0").percentageUsed()).isEqualTo(new BigDecimal("100.0"));
  }

  @Test
  void unlimitedHasNoPercentageAndIsAlwaysAccepted() {
    UsageState state = state(HARD, null, "1000000");
    assertThat(state.percentageUsed()).isNull();
    assertThat(state.status()).isEqualTo(UsageStatus.ACCEPTED);
  }

  @Test
  void statusFollowsEnforcement() {
    assertThat(state(HARD, "100", "99").status()).isEqualTo(UsageStatus.ACCEPTED);
    assertThat(state(HARD, "100", "100").status()).isEqualTo(UsageStatus.REJECTED);
    assertThat(state(SOFT, "100", "100").status()).isEqualTo(UsageStatus.EXCEEDED);
    assertThat(state(SOFT, "100", "250").status()).isEqualTo(UsageStatus.EXCEEDED);
    assertThat(state(SOFT_CAPPED, "100", "109").status()).isEqualTo(UsageStatus.EXCEEDED);
    assertThat(state(SOFT_CAPPED, "100", "110").status()).isEqualTo(UsageStatus.REJECTED);
  }

  @Test
  void inactiveLicenseIsRejectedWhateverTheUsage() {
    UsageState state =
        UsageState.of(
            "api-calls", HARD, new BigDecimal("100"), BigDecimal.ONE, Period.LIFETIME, false);
    assertThat(state.status()).isEqualTo(UsageStatus.REJECTED);
  }

  @Test
  void thresholdCrossingIsPreviousBelowBoundaryAtOrBelowUpdated() {
    BigDecimal limit = new BigDecimal("100");
    assertThat(
            ThresholdCrossing.crossedThresholds(
                java.util.List.of(80, 100), limit, new BigDecimal("79"), new BigDecimal("80")))
        .containsExactly(80);
    assertThat(
            ThresholdCrossing.crossedThresholds(
                java.util.List.of(80, 100), limit, new BigDecimal("80"), new BigDecimal("99")))
        .isEmpty();
    assertThat(
            ThresholdCrossing.crossedThresholds(
                java.util.List.of(80, 100), limit, new BigDecimal("10"), new BigDecimal("100")))
        .containsExactly(80, 100);
  }
}
