package sh.kaiten.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.sdk.KaitenClient;

/**
 * Entitlements evaluated as flags through the real OpenFeature API, each type mapped as the
 * server's OFREP.
 */
class FlagEvaluationTest {
  private static final EvaluationContext ACME = new ImmutableContext(FakeKaiten.INSTANCE);

  private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
  private FakeKaiten kaiten;
  private KaitenClient client;
  private Client flags;

  private void start(String fixture) throws IOException {
    kaiten = FakeKaiten.serving(fixture);
    // No poll during a test: every snapshot request counted is the one build() makes.
    client = FixtureClients.of(kaiten).pollInterval(Duration.ofHours(1)).build();
    api.setProviderAndWait(new KaitenProvider(client));
    flags = api.getClient();
  }

  @AfterEach
  void stop() {
    api.shutdown();
    client.close();
    kaiten.close();
  }

  @Test
  void providerIsNamedKaiten() throws IOException {
    start("snapshot.json");

    assertThat(api.getProviderMetadata().getName()).isEqualTo("kaiten");
  }

  @Test
  void booleanEntitlementFromTheTierIsStaticTrue() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Boolean> sso = flags.getBooleanDetails("sso", false, ACME);

    assertThat(sso.getValue()).isTrue();
    assertThat(sso.getReason()).isEqualTo("STATIC");
    assertThat(sso.getVariant()).isEqualTo("tier");
    assertThat(sso.getErrorCode()).isNull();
    assertThat(sso.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.of(
                "type", "BOOLEAN", "source", "TIER", "kaiten_reason", "GRANTED", "stale", false));
  }

  @Test
  void booleanEntitlementNotInTheTierIsDisabledFalse() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Boolean> auditLog = flags.getBooleanDetails("audit-log", true, ACME);

    assertThat(auditLog.getValue()).isFalse();
    assertThat(auditLog.getReason()).isEqualTo("DISABLED");
    assertThat(auditLog.getVariant()).isEqualTo("none");
    assertThat(auditLog.getErrorCode()).isNull();
    assertThat(auditLog.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.of(
                "type",
                "BOOLEAN",
                "source",
                "NONE",
                "kaiten_reason",
                "NOT_IN_TIER",
                "stale",
                false));
  }

  @Test
  void booleanOfAQuotaIsTrueWhileItHasRoomAndOfAnOverrideIsTargetingMatch() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Boolean> apiCalls = flags.getBooleanDetails("api-calls", false, ACME);
    FlagEvaluationDetails<Boolean> seats = flags.getBooleanDetails("seats", false, ACME);

    assertThat(apiCalls.getValue()).isTrue();
    assertThat(apiCalls.getReason()).isEqualTo("STATIC");
    assertThat(apiCalls.getVariant()).isEqualTo("tier");
    assertThat(apiCalls.getFlagMetadata().getString("kaiten_reason")).isEqualTo("GRANTED");
    assertThat(seats.getValue()).isTrue();
    assertThat(seats.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(seats.getVariant()).isEqualTo("override");
  }

  @Test
  void booleanOfAHardQuotaIsFalseOnceThisProcessUsedItUp() throws IOException {
    start("snapshot.json");

    flags.track("api-calls", ACME, new MutableTrackingEventDetails(100_000 - 67_433));
    FlagEvaluationDetails<Boolean> apiCalls = flags.getBooleanDetails("api-calls", true, ACME);

    assertThat(apiCalls.getValue()).isFalse();
    assertThat(apiCalls.getReason()).isEqualTo("STATIC");
    assertThat(apiCalls.getVariant()).isEqualTo("tier");
    assertThat(apiCalls.getFlagMetadata().getString("kaiten_reason")).isEqualTo("LIMIT_REACHED");
    assertThat(apiCalls.getFlagMetadata().getDouble("current_usage")).isEqualTo(100_000.0);
    assertThat(apiCalls.getFlagMetadata().getDouble("remaining")).isEqualTo(0.0);
  }

  @Test
  void integerOfAQuotaIsItsLimitWithTheUsageInMetadata() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Integer> apiCalls = flags.getIntegerDetails("api-calls", 7, ACME);

    assertThat(apiCalls.getValue()).isEqualTo(100_000);
    assertThat(apiCalls.getReason()).isEqualTo("STATIC");
    assertThat(apiCalls.getVariant()).isEqualTo("tier");
    assertThat(apiCalls.getErrorCode()).isNull();
    assertThat(apiCalls.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.ofEntries(
                Map.entry("type", "NUMERIC"),
                Map.entry("source", "TIER"),
                Map.entry("kaiten_reason", "GRANTED"),
                Map.entry("stale", false),
                Map.entry("unlimited", false),
                Map.entry("hard", true),
                Map.entry("limit", 100_000.0),
                Map.entry("remaining", 32_567.0),
                Map.entry("current_usage", 67_433.0),
                Map.entry("period_end", "2027-01-01T00:00:00Z")));
  }

  @Test
  void doubleOfAnUnlimitedQuotaIsMinusOne() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Double> seats = flags.getDoubleDetails("seats", 7.5, ACME);

    assertThat(seats.getValue()).isEqualTo(-1.0);
    assertThat(seats.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(seats.getVariant()).isEqualTo("override");
    assertThat(seats.getErrorCode()).isNull();
    assertThat(seats.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.of(
                "type",
                "NUMERIC",
                "source",
                "OVERRIDE",
                "kaiten_reason",
                "GRANTED",
                "stale",
                false,
                "unlimited",
                true,
                "hard",
                false,
                "current_usage",
                3.0));
  }

  @Test
  void doubleOfAQuotaIsItsLimit() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Double> apiCalls = flags.getDoubleDetails("api-calls", 7.5, ACME);

    assertThat(apiCalls.getValue()).isEqualTo(100_000.0);
    assertThat(apiCalls.getReason()).isEqualTo("STATIC");
  }

  @Test
  void numberOfABooleanEntitlementIsATypeMismatch() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Integer> sso = flags.getIntegerDetails("sso", 7, ACME);
    FlagEvaluationDetails<Double> theme = flags.getDoubleDetails("theme", 7.5, ACME);

    assertThat(sso.getValue()).isEqualTo(7);
    assertThat(sso.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(sso.getReason()).isEqualTo("ERROR");
    assertThat(sso.getErrorMessage())
        .isEqualTo("'sso' is a BOOLEAN entitlement: it is not evaluated as integer");
    assertThat(theme.getValue()).isEqualTo(7.5);
    assertThat(theme.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
  }

  @Test
  void stringIsOnlyAConfigWhosePayloadIsAString() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<String> banner = flags.getStringDetails("banner", "fallback", ACME);
    FlagEvaluationDetails<String> theme = flags.getStringDetails("theme", "fallback", ACME);
    FlagEvaluationDetails<String> sso = flags.getStringDetails("sso", "fallback", ACME);

    assertThat(banner.getValue()).isEqualTo("Welcome to Acme");
    assertThat(banner.getReason()).isEqualTo("STATIC");
    assertThat(banner.getVariant()).isEqualTo("tier");
    assertThat(banner.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.of("type", "CONFIG", "source", "TIER", "kaiten_reason", "GRANTED", "stale", false));
    assertThat(theme.getValue()).isEqualTo("fallback");
    assertThat(theme.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(theme.getReason()).isEqualTo("ERROR");
    assertThat(theme.getErrorMessage())
        .isEqualTo("the payload of 'theme' is object, not a string: evaluate it as an object");
    assertThat(sso.getValue()).isEqualTo("fallback");
    assertThat(sso.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
  }

  @Test
  void objectOfAConfigIsItsPayload() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Value> theme =
        flags.getObjectDetails("theme", new Value("fallback"), ACME);

    assertThat(theme.getValue())
        .isEqualTo(
            new Value(
                new ImmutableStructure(
                    Map.of(
                        "color", new Value("indigo"),
                        "sizes", new Value(List.of(new Value(1), new Value(2))),
                        "dark", new Value(true)))));
    assertThat(theme.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(theme.getVariant()).isEqualTo("override");
    assertThat(theme.getErrorCode()).isNull();
    assertThat(theme.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.of(
                "type",
                "CONFIG",
                "source",
                "OVERRIDE",
                "kaiten_reason",
                "GRANTED",
                "stale",
                false));
  }

  @Test
  void objectOfAQuotaIsATypeMismatch() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Value> apiCalls =
        flags.getObjectDetails("api-calls", new Value("fallback"), ACME);

    assertThat(apiCalls.getValue()).isEqualTo(new Value("fallback"));
    assertThat(apiCalls.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(apiCalls.getReason()).isEqualTo("ERROR");
  }

  @Test
  void unknownEntitlementIsFlagNotFound() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Boolean> unknown = flags.getBooleanDetails("sso-plus", true, ACME);

    assertThat(unknown.getValue()).isTrue();
    assertThat(unknown.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(unknown.getReason()).isEqualTo("ERROR");
    assertThat(unknown.getErrorMessage())
        .isEqualTo("Kaiten instance 'acme-prod' has no entitlement 'sso-plus'");
  }

  @Test
  void contextOfAnotherInstanceIsInvalidAndNoContextIsThisInstance() throws IOException {
    start("snapshot.json");

    FlagEvaluationDetails<Boolean> globex =
        flags.getBooleanDetails("sso", false, new ImmutableContext("globex-prod"));
    FlagEvaluationDetails<Boolean> noContext = flags.getBooleanDetails("sso", false);

    assertThat(globex.getValue()).isFalse();
    assertThat(globex.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
    assertThat(globex.getReason()).isEqualTo("ERROR");
    assertThat(globex.getErrorMessage())
        .isEqualTo("this provider answers for Kaiten instance 'acme-prod', not 'globex-prod'");
    assertThat(noContext.getValue()).isTrue();
    assertThat(noContext.getReason()).isEqualTo("STATIC");
  }

  @Test
  void suspendedLicenseAnswersEveryTypeDisabledWithItsEmptyValue() throws IOException {
    start("snapshot-suspended.json");

    FlagEvaluationDetails<Boolean> sso = flags.getBooleanDetails("sso", true, ACME);
    FlagEvaluationDetails<Integer> apiCalls = flags.getIntegerDetails("api-calls", 7, ACME);
    FlagEvaluationDetails<Value> theme =
        flags.getObjectDetails("theme", new Value("fallback"), ACME);
    FlagEvaluationDetails<String> banner = flags.getStringDetails("banner", "fallback", ACME);

    assertThat(sso.getValue()).isFalse();
    assertThat(sso.getReason()).isEqualTo("DISABLED");
    assertThat(sso.getVariant()).isEqualTo("none");
    assertThat(sso.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.of(
                "type",
                "BOOLEAN",
                "source",
                "NONE",
                "kaiten_reason",
                "LICENSE_SUSPENDED",
                "stale",
                false));
    assertThat(apiCalls.getValue()).isEqualTo(0);
    assertThat(apiCalls.getReason()).isEqualTo("DISABLED");
    assertThat(apiCalls.getVariant()).isEqualTo("none");
    assertThat(apiCalls.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(
            Map.ofEntries(
                Map.entry("type", "NUMERIC"),
                Map.entry("source", "NONE"),
                Map.entry("kaiten_reason", "LICENSE_SUSPENDED"),
                Map.entry("stale", false),
                Map.entry("unlimited", false),
                Map.entry("hard", true),
                Map.entry("limit", 0.0),
                Map.entry("remaining", 0.0),
                Map.entry("current_usage", 67_433.0),
                Map.entry("period_end", "2027-01-01T00:00:00Z")));
    assertThat(theme.getValue()).isEqualTo(new Value(new ImmutableStructure()));
    assertThat(theme.getReason()).isEqualTo("DISABLED");
    assertThat(theme.getVariant()).isEqualTo("none");
    assertThat(banner.getValue()).isEqualTo("");
    assertThat(banner.getReason()).isEqualTo("DISABLED");
  }

  @Test
  void evaluationsAskTheServerNothing() throws IOException {
    start("snapshot.json");

    for (int i = 0; i < 100; i++) {
      flags.getBooleanValue("sso", false, ACME);
      flags.getIntegerValue("api-calls", 0, ACME);
      flags.getDoubleValue("seats", 0.0, ACME);
      flags.getStringValue("banner", "", ACME);
      flags.getObjectValue("theme", new Value(), ACME);
      flags.getBooleanValue("sso-plus", false, ACME);
    }

    assertThat(kaiten.snapshotRequests()).isEqualTo(1);
  }
}
