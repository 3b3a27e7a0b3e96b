package sh.kaiten.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FlagNotFoundError;
import dev.openfeature.sdk.exceptions.InvalidContextError;
import dev.openfeature.sdk.exceptions.ProviderNotReadyError;
import dev.openfeature.sdk.exceptions.TypeMismatchError;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.EntitlementState;
import sh.kaiten.sdk.EntitlementType;
import sh.kaiten.sdk.KaitenClient;
import sh.kaiten.sdk.Reason;

/**
 * Entitlements as OpenFeature flags, answered from the client's snapshot (no request), mapped as
 * the server's OFREP endpoint maps them (docs/api.md, "OpenFeature (OFREP)"):
 *
 * <ul>
 *   <li>boolean: whether the entitlement may be used now — BOOLEAN and CONFIG when granted; NUMERIC
 *       when the check allows it and, for a HARD limit, something remains (a SOFT limit stays true
 *       in overage).
 *   <li>integer, double: NUMERIC only — the limit, {@code -1} when unlimited, {@code 0} when not
 *       granted.
 *   <li>string: CONFIG only, when its payload is a JSON string; {@code ""} when not granted.
 *   <li>object: CONFIG only — the payload; {@code {}} when not granted.
 * </ul>
 *
 * <p>Reason and variant: {@code STATIC}/{@code tier} from the tier, {@code TARGETING_MATCH}/{@code
 * override} from a license override, {@code DISABLED}/{@code none} when not granted. From a
 * snapshot the server has not confirmed within {@code staleAfter} the reason is {@code STALE}
 * instead (the variant still names the source). Any other type asked of an entitlement is {@code
 * TYPE_MISMATCH}; an unknown slug {@code FLAG_NOT_FOUND}; a targeting key other than the client's
 * instance {@code INVALID_CONTEXT}; no snapshot at all {@code PROVIDER_NOT_READY} (the caller's
 * default, not the client's failOpen defaults, answers then). Errors are thrown as OpenFeature
 * errors: the SDK answers the default with reason ERROR.
 *
 * <p>Every answer drawn from an entitlement is one check tallied by the client into the audit trail
 * ({@code isEnabled}, or {@code check(slug, 0)} for the boolean of a quota), as is a lookup of an
 * unknown slug. Type mismatches are not: no entitlement decided them.
 */
final class EntitlementFlags {
  /**
   * The OpenFeature spec's reason for an answer that may be out of date; the Java SDK's Reason enum
   * lacks it.
   */
  static final String STALE = "STALE";

  /** A NUMERIC entitlement without a limit, as the server's OFREP answers it. */
  static final int UNLIMITED = -1;

  private final KaitenClient client;

  EntitlementFlags(KaitenClient client) {
    this.client = client;
  }

  ProviderEvaluation<Boolean> booleanFlag(String slug, EvaluationContext context) {
    EntitlementState state = entitlement(slug, context);
    if (state.type() != EntitlementType.NUMERIC) {
      return answer(state, client.isEnabled(slug), state.reason());
    }
    Check check = client.check(slug, 0);
    boolean usable = check.allowed() && (!state.hard() || check.remaining() > 0);
    // A SUM quota used exactly up still fits an amount of 0: the check allows it, the flag does
    // not.
    Reason reason = check.allowed() && !usable ? Reason.LIMIT_REACHED : check.reason();
    return answer(state, usable, reason);
  }

  ProviderEvaluation<Integer> integerFlag(String slug, EvaluationContext context) {
    EntitlementState state = numeric(slug, context, "integer");
    BigDecimal limit = limit(state);
    if (limit.stripTrailingZeros().scale() > 0
        || limit.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new TypeMismatchError(
          "the limit of '"
              + slug
              + "' ("
              + limit.toPlainString()
              + ") is not an int: evaluate it as a double");
    }
    client.isEnabled(slug);
    return answer(state, limit.intValue(), state.reason());
  }

  ProviderEvaluation<Double> doubleFlag(String slug, EvaluationContext context) {
    EntitlementState state = numeric(slug, context, "double");
    client.isEnabled(slug);
    return answer(state, limit(state).doubleValue(), state.reason());
  }

  ProviderEvaluation<String> stringFlag(String slug, EvaluationContext context) {
    EntitlementState state = config(slug, context, "string");
    JsonNode payload = state.value();
    if (state.enabled() && (payload == null || !payload.isTextual())) {
      throw new TypeMismatchError(
          "the payload of '"
              + slug
              + "' is "
              + (payload == null ? "null" : payload.getNodeType().name().toLowerCase(Locale.ROOT))
              + ", not a string: evaluate it as an object");
    }
    client.isEnabled(slug);
    return answer(state, state.enabled() ? payload.textValue() : "", state.reason());
  }

  ProviderEvaluation<Value> objectFlag(String slug, EvaluationContext context) {
    EntitlementState state = config(slug, context, "object");
    client.isEnabled(slug);
    Value value =
        !state.enabled()
            ? PayloadValues.emptyObject()
            : state.value() == null ? new Value() : PayloadValues.of(state.value());
    return answer(state, value, state.reason());
  }

  /** The entitlement the flag names, as the client sees it now (not yet tallied). */
  private EntitlementState entitlement(String slug, EvaluationContext context) {
    String targetingKey = context == null ? null : context.getTargetingKey();
    if (targetingKey != null
        && !targetingKey.isEmpty()
        && !targetingKey.equals(client.instance())) {
      // The client holds one instance's entitlements: answering for another would be wrong, not
      // approximate.
      throw new InvalidContextError(
          "this provider answers for Kaiten instance '"
              + client.instance()
              + "', not '"
              + targetingKey
              + "'");
    }
    if (!client.hasSnapshot()) {
      throw new ProviderNotReadyError(
          "no snapshot of Kaiten instance '" + client.instance() + "' yet");
    }
    Optional<EntitlementState> state = client.entitlement(slug);
    if (state.isEmpty()) {
      client.isEnabled(
          slug); // tallied as UNKNOWN_ENTITLEMENT: the audit trail shows flags asked for in vain
      throw new FlagNotFoundError(
          "Kaiten instance '" + client.instance() + "' has no entitlement '" + slug + "'");
    }
    return state.get();
  }

  private EntitlementState numeric(String slug, EvaluationContext context, String flagType) {
    return ofType(entitlement(slug, context), EntitlementType.NUMERIC, flagType);
  }

  private EntitlementState config(String slug, EvaluationContext context, String flagType) {
    return ofType(entitlement(slug, context), EntitlementType.CONFIG, flagType);
  }

  private static EntitlementState ofType(
      EntitlementState state, EntitlementType type, String flagType) {
    if (state.type() != type) {
      throw new TypeMismatchError(
          "'"
              + state.entitlement()
              + "' is a "
              + state.type()
              + " entitlement: it is not evaluated as "
              + flagType);
    }
    return state;
  }

  /** A NUMERIC flag's value: the limit, -1 when unlimited, 0 when not granted. */
  private static BigDecimal limit(EntitlementState state) {
    if (!state.enabled()) {
      return BigDecimal.ZERO;
    }
    return state.limit() == null ? BigDecimal.valueOf(UNLIMITED) : state.limit();
  }

  private static <T> ProviderEvaluation<T> answer(
      EntitlementState state, T value, Reason kaitenReason) {
    String reason;
    String variant;
    if (!state.enabled()) {
      reason = dev.openfeature.sdk.Reason.DISABLED.name();
      variant = "none";
    } else {
      reason =
          "OVERRIDE".equals(state.source())
              ? dev.openfeature.sdk.Reason.TARGETING_MATCH.name()
              : dev.openfeature.sdk.Reason.STATIC.name();
      variant = state.source().toLowerCase(Locale.ROOT);
    }
    return ProviderEvaluation.<T>builder()
        .value(value)
        .reason(state.stale() ? STALE : reason)
        .variant(variant)
        .flagMetadata(metadata(state, kaitenReason))
        .build();
  }

  /**
   * Always {@code type}, {@code source}, {@code kaiten_reason}, {@code stale}; for NUMERIC also
   * {@code unlimited}, {@code hard}, {@code current_usage} (this process's reports not yet
   * delivered included), and unless unlimited {@code limit} and {@code remaining} (both 0 when not
   * granted), and {@code period_end} when the period ends.
   */
  private static ImmutableMetadata metadata(EntitlementState state, Reason kaitenReason) {
    ImmutableMetadata.ImmutableMetadataBuilder metadata =
        ImmutableMetadata.builder()
            .addString("type", state.type().name())
            .addString("source", state.source())
            .addString("kaiten_reason", kaitenReason.name())
            .addBoolean("stale", state.stale());
    if (state.type() == EntitlementType.NUMERIC) {
      // EntitlementState.limit() is null both when unlimited and when not granted: only the first
      // is unlimited.
      boolean unlimited = state.enabled() && state.limit() == null;
      metadata
          .addBoolean("unlimited", unlimited)
          .addBoolean("hard", state.hard())
          .addDouble("current_usage", state.currentUsage());
      if (!unlimited) {
        double limit = limit(state).doubleValue();
        metadata
            .addDouble("limit", limit)
            .addDouble("remaining", Math.max(0, limit - state.currentUsage()));
      }
      if (state.periodEnd() != null) {
        metadata.addString("period_end", state.periodEnd().toString());
      }
    }
    return metadata.build();
  }
}
