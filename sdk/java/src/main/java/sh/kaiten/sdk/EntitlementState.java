package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One entitlement as this client sees it now: the snapshot's answer, with this process's own usage
 * in it.
 */
public final class EntitlementState {
  private final String entitlement;
  private final EntitlementType type;
  private final boolean enabled;
  private final Reason reason;
  private final String source;
  private final JsonNode value;
  private final BigDecimal limit;
  private final double currentUsage;
  private final Instant periodEnd;
  private final boolean hard;
  private final String unit;
  private final boolean stale;

  EntitlementState(
      String entitlement,
      EntitlementType type,
      boolean enabled,
      Reason reason,
      String source,
      JsonNode value,
      BigDecimal limit,
      double currentUsage,
      Instant periodEnd,
      boolean hard,
      String unit,
      boolean stale) {
    this.entitlement = entitlement;
    this.type = type;
    this.enabled = enabled;
    this.reason = reason;
    this.source = source;
    this.value = value;
    this.limit = limit;
    this.currentUsage = currentUsage;
    this.periodEnd = periodEnd;
    this.hard = hard;
    this.unit = unit;
    this.stale = stale;
  }

  public String entitlement() {
    return entitlement;
  }

  public EntitlementType type() {
    return type;
  }

  /** Granted now (for NUMERIC: granted at all, whatever is left of the limit). */
  public boolean enabled() {
    return enabled;
  }

  public Reason reason() {
    return reason;
  }

  /** {@code TIER} or {@code OVERRIDE} when granted, {@code NONE} otherwise. */
  public String source() {
    return source;
  }

  /**
   * What the license gives, as JSON: a boolean, a number (the limit), a config payload; null when
   * it gives nothing now, and for an unlimited quota.
   */
  public JsonNode value() {
    return value;
  }

  /** NUMERIC: the limit, null when unlimited, not granted, or not NUMERIC. */
  public BigDecimal limit() {
    return limit;
  }

  public double currentUsage() {
    return currentUsage;
  }

  /** NUMERIC: what is left (nothing when not granted); infinite when unlimited. */
  public double remaining() {
    if (!enabled) {
      return 0;
    }
    return limit == null
        ? Double.POSITIVE_INFINITY
        : Math.max(0, limit.doubleValue() - currentUsage);
  }

  /** NUMERIC: when the current period ends; null for lifetime counters and other types. */
  public Instant periodEnd() {
    return periodEnd;
  }

  /** NUMERIC: HARD enforcement (refused past the limit) rather than SOFT. */
  public boolean hard() {
    return hard;
  }

  public String unit() {
    return unit;
  }

  public boolean stale() {
    return stale;
  }

  @Override
  public String toString() {
    return "EntitlementState{"
        + entitlement
        + " "
        + type
        + (enabled ? " enabled " : " not granted ")
        + reason
        + (value == null ? "" : " " + value)
        + (stale ? ", stale" : "")
        + "}";
  }
}
