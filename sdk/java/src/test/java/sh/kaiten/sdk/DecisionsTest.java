package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks decided in process from a snapshot, with the server out of reach: the snapshot comes from
 * the snapshot file (so every answer is stale), the clock is the test's.
 */
class DecisionsTest {
  /** Nothing listens there: every request is refused at once. */
  private static final String UNREACHABLE = "http://127.0.0.1:1";

  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir Path dir;
  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private KaitenClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  /**
   * A client of the unreachable server on the test's clock; its close does not wait for deliveries.
   */
  private KaitenClient.Builder offline() {
    return KaitenClient.builder()
        .baseUrl(UNREACHABLE)
        .token("ksh_test")
        .instance("acme-prod")
        .clock(clock)
        .closeTimeout(Duration.ofMillis(50));
  }

  /** A client whose snapshot is {@code entitlements} under a license of {@code license} fields. */
  private KaitenClient client(String license, String... entitlements) throws IOException {
    Path file = dir.resolve("snapshot.json");
    Files.writeString(
        file,
        "{\"instance\":\"acme-prod\",\"etag\":\"\\\"1\\\"\",\"snapshot\":{\"instance\":\"acme-prod\","
            + "\"license\":{\"id\":\"lic_1\","
            + license
            + "},\"entitlements\":["
            + String.join(",", entitlements)
            + "],\"as_of\":\"2026-12-04T09:59:00Z\"}}");
    client = offline().snapshotFile(file).build();
    return client;
  }

  private static final String ACTIVE =
      "\"status\":\"ACTIVE\",\"starts_at\":null,\"trial_ends_at\":null,\"expires_at\":null";

  private static String quota(
      String slug,
      String aggregation,
      String enforcement,
      String overage,
      String limit,
      String usage,
      String periodEnd) {
    return "{\"slug\":\""
        + slug
        + "\",\"type\":\"NUMERIC\",\"enabled\":true,\"source\":\"TIER\",\"reason\":\"GRANTED\","
        + "\"value\":"
        + limit
        + ",\"metering\":{\"aggregation\":\""
        + aggregation
        + "\",\"reset\":\"MONTH\","
        + "\"scope\":\"INSTANCE\",\"enforcement\":\""
        + enforcement
        + "\",\"overage_percent\":"
        + overage
        + ",\"unit\":null},\"usage\":{\"current_usage\":"
        + usage
        + ",\"limit\":"
        + limit
        + ",\"status\":\"ACCEPTED\","
        + "\"period_start\":\"2026-12-01T00:00:00Z\",\"period_end\":"
        + periodEnd
        + "}}";
  }

  private static String feature(String slug, boolean enabled) {
    return "{\"slug\":\""
        + slug
        + "\",\"type\":\"BOOLEAN\",\"enabled\":"
        + enabled
        + ",\"source\":\""
        + (enabled ? "TIER" : "NONE")
        + "\",\"reason\":\""
        + (enabled ? "GRANTED" : "NOT_IN_TIER")
        + "\",\"value\":"
        + (enabled ? "true" : "null")
        + "}";
  }

  private static final String DECEMBER_END = "\"2027-01-01T00:00:00Z\"";

  @Test
  void aRepeatedCheckWithNothingChangedAnswersTheSameInstance() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("api-calls", "SUM", "HARD", "null", "100", "40", DECEMBER_END));
    Check first = kaiten.check("api-calls", 1);
    assertThat(kaiten.check("api-calls", 1)).isSameAs(first);
    assertThat(kaiten.check("api-calls", 2)).isNotSameAs(first);
    assertThat(first.allowed()).isTrue();
    assertThat(first.limit()).isEqualTo(100);
    assertThat(first.currentUsage()).isEqualTo(40);
    assertThat(first.remaining()).isEqualTo(60);
    assertThat(first.stale()).isTrue();
  }

  @Test
  void aHardSumLimitAllowsUpToItAndNotPast() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("api-calls", "SUM", "HARD", "null", "100", "40", DECEMBER_END));
    assertThat(kaiten.check("api-calls", 60).allowed()).isTrue();
    Check past = kaiten.check("api-calls", 61);
    assertThat(past.allowed()).isFalse();
    assertThat(past.reason()).isEqualTo(Reason.LIMIT_REACHED);
  }

  @Test
  void thisProcesssOwnReportsCountAgainstTheLimitBeforeTheyAreDelivered() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("api-calls", "SUM", "HARD", "null", "100", "40", DECEMBER_END));
    kaiten.report("api-calls", 59);
    Check last = kaiten.check("api-calls", 1);
    assertThat(last.allowed()).isTrue();
    assertThat(last.currentUsage()).isEqualTo(99);
    kaiten.report("api-calls", 1);
    Check refused = kaiten.check("api-calls", 1);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.reason()).isEqualTo(Reason.LIMIT_REACHED);
    assertThat(refused.currentUsage()).isEqualTo(100);
    assertThat(refused.remaining()).isZero();
  }

  @Test
  void aSoftLimitPassesWithOverageUntilItsCap() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("storage", "SUM", "SOFT", "10", "100", "95", DECEMBER_END));
    assertThat(kaiten.check("storage", 5).reason()).isEqualTo(Reason.GRANTED);
    Check over = kaiten.check("storage", 6);
    assertThat(over.allowed()).isTrue();
    assertThat(over.overage()).isTrue();
    assertThat(over.reason()).isEqualTo(Reason.OVERAGE);
    assertThat(kaiten.check("storage", 15).reason()).isEqualTo(Reason.OVERAGE);
    Check capped = kaiten.check("storage", 16);
    assertThat(capped.allowed()).isFalse();
    assertThat(capped.reason()).isEqualTo(Reason.LIMIT_REACHED);
  }

  @Test
  void aSoftLimitWithoutACapNeverRefuses() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("storage", "SUM", "SOFT", "null", "100", "150", DECEMBER_END));
    Check check = kaiten.check("storage", 1000);
    assertThat(check.allowed()).isTrue();
    assertThat(check.reason()).isEqualTo(Reason.OVERAGE);
  }

  @Test
  void countCountsReportsNotTheirAmounts() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("logins", "COUNT", "HARD", "null", "3", "1", DECEMBER_END));
    kaiten.report("logins", 500);
    Check check = kaiten.check("logins", 500);
    assertThat(check.allowed()).isTrue();
    assertThat(check.currentUsage()).isEqualTo(2);
    kaiten.report("logins", 1);
    assertThat(kaiten.check("logins", 1).allowed()).isFalse();
  }

  @Test
  void maxComparesEachValueWithTheLimit() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("seats", "MAX", "HARD", "null", "10", "9", DECEMBER_END));
    assertThat(kaiten.check("seats", 10).allowed()).isTrue();
    assertThat(kaiten.check("seats", 11).reason()).isEqualTo(Reason.LIMIT_REACHED);
  }

  @Test
  void anUnlimitedQuotaIsAlwaysAllowed() throws IOException {
    KaitenClient kaiten =
        client(ACTIVE, quota("api-calls", "SUM", "HARD", "null", "null", "123456", DECEMBER_END));
    Check check = kaiten.check("api-calls", 1e12);
    assertThat(check.allowed()).isTrue();
    assertThat(check.unlimited()).isTrue();
    assertThat(check.remaining()).isInfinite();
    assertThat(check.currentUsage()).isEqualTo(123456);
  }

  @Test
  void aPeriodThatEndedStartsAgainFromNothing() throws IOException {
    KaitenClient kaiten =
        client(
            ACTIVE,
            quota("api-calls", "SUM", "HARD", "null", "100", "100", "\"2026-12-04T10:00:01Z\""));
    assertThat(kaiten.check("api-calls", 1).allowed()).isFalse();
    now.set(Instant.parse("2026-12-04T10:00:01Z"));
    Check next = kaiten.check("api-calls", 1);
    assertThat(next.allowed()).isTrue();
    assertThat(next.currentUsage()).isZero();
  }

  @Test
  void aTrialEndsAtItsInstantWithoutARefresh() throws IOException {
    KaitenClient kaiten =
        client(
            "\"status\":\"TRIAL\",\"starts_at\":null,\"trial_ends_at\":\"2026-12-04T10:00:05Z\","
                + "\"expires_at\":null",
            feature("sso", true),
            quota("api-calls", "SUM", "HARD", "null", "100", "0", DECEMBER_END));
    assertThat(kaiten.isEnabled("sso")).isTrue();
    now.set(Instant.parse("2026-12-04T10:00:04.999Z"));
    assertThat(kaiten.check("api-calls", 1).allowed()).isTrue();
    now.set(Instant.parse("2026-12-04T10:00:05Z"));
    assertThat(kaiten.isEnabled("sso")).isFalse();
    Check ended = kaiten.check("api-calls", 1);
    assertThat(ended.allowed()).isFalse();
    assertThat(ended.reason()).isEqualTo(Reason.TRIAL_ENDED);
    assertThat(kaiten.check("sso", 1).reason()).isEqualTo(Reason.TRIAL_ENDED);
    assertThat(kaiten.entitlement("sso").orElseThrow().enabled()).isFalse();
  }

  @Test
  void anExpiryAtTheTrialsEndIsAnExpiry() throws IOException {
    KaitenClient kaiten =
        client(
            "\"status\":\"TRIAL\",\"starts_at\":null,\"trial_ends_at\":\"2026-12-04T10:00:05Z\","
                + "\"expires_at\":\"2026-12-04T10:00:05Z\"",
            feature("sso", true));
    now.set(Instant.parse("2026-12-04T10:00:05Z"));
    assertThat(kaiten.check("sso", 1).reason()).isEqualTo(Reason.LICENSE_EXPIRED);
  }

  @Test
  void anActiveLicensesTrialDateDoesNotEndIt() throws IOException {
    KaitenClient kaiten =
        client(
            "\"status\":\"ACTIVE\",\"starts_at\":null,\"trial_ends_at\":\"2026-12-04T10:00:05Z\","
                + "\"expires_at\":null",
            feature("sso", true));
    now.set(Instant.parse("2026-12-05T00:00:00Z"));
    assertThat(kaiten.isEnabled("sso")).isTrue();
  }

  @Test
  void whatTheLicenseDoesNotGiveIsRefusedWithTheServersReason() throws IOException {
    KaitenClient kaiten = client(ACTIVE, feature("audit-log", false));
    Check check = kaiten.check("audit-log", 1);
    assertThat(check.allowed()).isFalse();
    assertThat(check.reason()).isEqualTo(Reason.NOT_IN_TIER);
    assertThat(kaiten.isEnabled("audit-log")).isFalse();
    assertThat(kaiten.config("audit-log")).isNull();
  }

  @Test
  void anEntitlementTheSnapshotDoesNotKnowIsRefused() throws IOException {
    KaitenClient kaiten = client(ACTIVE, feature("sso", true));
    Check check = kaiten.check("teleport", 1);
    assertThat(check.allowed()).isFalse();
    assertThat(check.reason()).isEqualTo(Reason.UNKNOWN_ENTITLEMENT);
    assertThat(kaiten.isEnabled("teleport")).isFalse();
    assertThat(kaiten.entitlement("teleport")).isEmpty();
  }

  @Test
  void aConfigPayloadIsTheCallersOwnCopy() throws IOException {
    KaitenClient kaiten =
        client(
            ACTIVE,
            "{\"slug\":\"theme\",\"type\":\"CONFIG\",\"enabled\":true,\"source\":"
                + "\"OVERRIDE\",\"reason\":\"GRANTED\",\"value\":{\"color\":\"indigo\"}}");
    ((com.fasterxml.jackson.databind.node.ObjectNode) kaiten.config("theme")).put("color", "red");
    assertThat(kaiten.config("theme").path("color").asText()).isEqualTo("indigo");
    EntitlementState theme = kaiten.entitlement("theme").orElseThrow();
    assertThat(theme.source()).isEqualTo("OVERRIDE");
    assertThat(theme.type()).isEqualTo(EntitlementType.CONFIG);
  }

  @Test
  void withNoSnapshotAtAllTheDefaultsDecide() {
    client = offline().failOpen("api-calls").build();
    assertThat(client.hasSnapshot()).isFalse();
    assertThat(client.stale()).isTrue();
    Check open = client.check("api-calls", 1);
    assertThat(open.allowed()).isTrue();
    assertThat(open.reason()).isEqualTo(Reason.NO_SNAPSHOT);
    assertThat(open.stale()).isTrue();
    assertThat(client.check("sso", 1).allowed()).isFalse();
    assertThat(client.isEnabled("sso")).isFalse();
    assertThat(client.isEnabled("api-calls")).isTrue();
  }

  @Test
  void failOpenByDefaultOpensWhatIsNotNamedClosed() {
    client = offline().failOpenByDefault(true).failClosed("billing-export").build();
    assertThat(client.isEnabled("sso")).isTrue();
    assertThat(client.isEnabled("billing-export")).isFalse();
  }

  @Test
  void aSnapshotFileOfAnotherInstanceIsNotUsed() throws IOException {
    Path file = dir.resolve("other.json");
    Files.writeString(
        file,
        "{\"instance\":\"other-instance\",\"etag\":null,\"snapshot\":{\"license\":{},"
            + "\"entitlements\":["
            + feature("sso", true)
            + "]}}");
    client = offline().snapshotFile(file).build();
    assertThat(client.hasSnapshot()).isFalse();
    assertThat(client.isEnabled("sso")).isFalse();
  }
}
