package sh.kaiten.domain.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The rules of an SDK's check tallies, each broken one named by its field, and what tallies add up
 * to.
 */
class CheckTalliesTest {
  private static final Instant NOW = Instant.parse("2026-12-04T01:30:27Z");
  private static final ReportWindow WINDOW = new ReportWindow(Duration.ofHours(24));
  private static final Instant MINUTE = Instant.parse("2026-12-04T01:02:00Z");
  private static final CheckTally GOOD =
      new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, 1234L);

  private static CheckTallies withThird(CheckTally third) {
    List<CheckTally> tallies = new ArrayList<>(List.of(GOOD, GOOD, GOOD, GOOD));
    tallies.set(3, third);
    return new CheckTallies("chk-7f3a-000042", tallies);
  }

  static Stream<Arguments> brokenTallies() {
    return Stream.of(
        Arguments.of(null, "checks.tallies[3]", "checks.tallies[3] must be an object"),
        Arguments.of(
            new CheckTally(null, MINUTE, true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].entitlement",
            "checks.tallies[3].entitlement is required"),
        Arguments.of(
            new CheckTally("SSO", MINUTE, true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].entitlement",
            "checks.tallies[3].entitlement must match ^[a-z0-9][a-z0-9-]{0,62}$"),
        Arguments.of(
            new CheckTally("x".repeat(64), MINUTE, true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].entitlement",
            "checks.tallies[3].entitlement must match ^[a-z0-9][a-z0-9-]{0,62}$"),
        Arguments.of(
            new CheckTally("sso", null, true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].minute",
            "checks.tallies[3].minute is required"),
        Arguments.of(
            new CheckTally("sso", MINUTE.plusSeconds(1), true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].minute",
            "checks.tallies[3].minute must be the start of a UTC minute, like 2026-12-04T01:02:00Z"),
        Arguments.of(
            new CheckTally("sso", MINUTE.plusMillis(1), true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].minute",
            "checks.tallies[3].minute must be the start of a UTC minute, like 2026-12-04T01:02:00Z"),
        Arguments.of(
            new CheckTally(
                "sso", Instant.parse("2026-12-04T01:36:00Z"), true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].minute",
            "checks.tallies[3].minute is more than 5 minutes in the future"),
        Arguments.of(
            new CheckTally(
                "sso", Instant.parse("2026-12-03T01:30:00Z"), true, CheckReason.GRANTED, 1L),
            "checks.tallies[3].minute",
            "checks.tallies[3].minute is older than the late-report window of 24 hours"),
        Arguments.of(
            new CheckTally("sso", MINUTE, null, CheckReason.GRANTED, 1L),
            "checks.tallies[3].allowed",
            "checks.tallies[3].allowed is required: true or false"),
        Arguments.of(
            new CheckTally("sso", MINUTE, true, null, 1L),
            "checks.tallies[3].reason",
            "checks.tallies[3].reason is required"),
        Arguments.of(
            new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, null),
            "checks.tallies[3].count",
            "checks.tallies[3].count must be a whole number from 1 to 1000000000000"),
        Arguments.of(
            new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, 0L),
            "checks.tallies[3].count",
            "checks.tallies[3].count must be a whole number from 1 to 1000000000000"),
        Arguments.of(
            new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, -5L),
            "checks.tallies[3].count",
            "checks.tallies[3].count must be a whole number from 1 to 1000000000000"),
        Arguments.of(
            new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, 1_000_000_000_001L),
            "checks.tallies[3].count",
            "checks.tallies[3].count must be a whole number from 1 to 1000000000000"));
  }

  @ParameterizedTest
  @MethodSource("brokenTallies")
  void aBrokenTallyIsNamedByItsField(CheckTally broken, String field, String detail) {
    assertThatThrownBy(() -> withThird(broken).validate(WINDOW, NOW))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(detail)
        .extracting("field")
        .isEqualTo(field);
  }

  @Test
  void theBoundsThemselvesPass() {
    List<CheckTally> edges =
        List.of(
            new CheckTally(
                "a",
                Instant.parse("2026-12-03T01:31:00Z"),
                false,
                CheckReason.NO_SNAPSHOT,
                1L), // 23h59m33s old
            new CheckTally(
                "a" + "-".repeat(62),
                Instant.parse("2026-12-04T01:35:00Z"),
                true,
                CheckReason.OVERAGE,
                CheckTally.MAX_COUNT), // 4m33s ahead
            new CheckTally("never-defined", MINUTE, false, CheckReason.UNKNOWN_ENTITLEMENT, 7L));
    assertThatCode(() -> new CheckTallies("A".repeat(128), edges).validate(WINDOW, NOW))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                new CheckTallies("a.b_c:d-9", Collections.nCopies(CheckTallies.MAX_TALLIES, GOOD))
                    .validate(WINDOW, NOW))
        .doesNotThrowAnyException();
    Instant onTheMinute = Instant.parse("2026-12-04T01:30:00Z");
    assertThatCode(
            () ->
                new CheckTallies(
                        "x",
                        List.of(
                            new CheckTally(
                                "sso",
                                onTheMinute.minus(Duration.ofHours(24)),
                                true,
                                CheckReason.GRANTED,
                                1L)))
                    .validate(WINDOW, onTheMinute))
        .doesNotThrowAnyException(); // exactly 24 h old
  }

  @Test
  void theIdAndTheListAreRequiredAndBounded() {
    for (String id : new String[] {null, "", "A".repeat(129), "has space", "slash/no", "é"}) {
      assertThatThrownBy(() -> new CheckTallies(id, List.of(GOOD)).validate(WINDOW, NOW))
          .as("id %s", id)
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("checks.id must be 1 to 128 characters of letters, digits and . _ : -")
          .extracting("field")
          .isEqualTo("checks.id");
    }
    for (List<CheckTally> tallies :
        List.of(List.<CheckTally>of(), Collections.nCopies(1001, GOOD))) {
      assertThatThrownBy(() -> new CheckTallies("chk-1", tallies).validate(WINDOW, NOW))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("checks.tallies must hold 1 to 1000 tallies")
          .extracting("field")
          .isEqualTo("checks.tallies");
    }
    assertThatThrownBy(() -> new CheckTallies("chk-1", null).validate(WINDOW, NOW))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("checks.tallies");
  }

  @Test
  void theFirstBrokenTallyIsTheOneNamed() {
    List<CheckTally> tallies =
        List.of(
            GOOD,
            new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, 0L),
            new CheckTally("sso", null, true, CheckReason.GRANTED, 1L));
    assertThatThrownBy(() -> new CheckTallies("chk-1", tallies).validate(WINDOW, NOW))
        .extracting("field")
        .isEqualTo("checks.tallies[1].count");
  }

  @Test
  void countsAddUpChecksAllowedAndRefused() {
    CheckTallies.Counts counts =
        CheckTallies.Counts.of(
            List.of(
                new CheckTally("sso", MINUTE, true, CheckReason.GRANTED, 1234L),
                new CheckTally("sso", MINUTE, false, CheckReason.NOT_IN_TIER, 6L),
                new CheckTally("api-calls", MINUTE, true, CheckReason.OVERAGE, 10L),
                new CheckTally("api-calls", MINUTE, false, CheckReason.LIMIT_REACHED, 3L)));
    assertThat(counts).isEqualTo(new CheckTallies.Counts(1253, 1244, 9));
    assertThat(
            CheckTallies.Counts.of(
                Collections.nCopies(
                    1000,
                    new CheckTally(
                        "sso", MINUTE, false, CheckReason.DISABLED, CheckTally.MAX_COUNT))))
        .isEqualTo(new CheckTallies.Counts(1_000_000_000_000_000L, 0, 1_000_000_000_000_000L));
  }
}
