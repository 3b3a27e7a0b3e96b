package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every entitlement of the instance as the server last answered ({@code GET
 * /api/instances/{id}/snapshot}), with the license dates that end it. Immutable.
 */
final class Snapshot {
  /** No such instant: a period that never ends, a license that never lapses. */
  static final long NEVER = Long.MAX_VALUE;

  final String etag;
  final String body;
  final Instant asOf;
  final Map<String, Entry> entries;

  /** From this instant the license grants nothing, whatever the entries say ({@link #lapse}). */
  final long lapsesAt;

  final Reason lapse;

  private Snapshot(
      String etag,
      String body,
      Instant asOf,
      Map<String, Entry> entries,
      long lapsesAt,
      Reason lapse) {
    this.etag = etag;
    this.body = body;
    this.asOf = asOf;
    this.entries = entries;
    this.lapsesAt = lapsesAt;
    this.lapse = lapse;
  }

  /**
   * The snapshot a server answer describes.
   *
   * @param settled per entitlement, how much of this process's usage the server had answered for
   *     when the request left: what the answer's usage may already hold
   */
  static Snapshot parse(String etag, String body, Map<String, Meter.Settled> settled)
      throws IOException {
    JsonNode root = Transport.JSON.readTree(body);
    JsonNode license = root.path("license");
    Instant expiresAt = instant(license.get("expires_at"));
    Instant trialEndsAt =
        "TRIAL".equals(license.path("status").asText())
            ? instant(license.get("trial_ends_at"))
            : null;
    // As the server decides: an expiry wins over a trial end at the same instant.
    long lapsesAt = NEVER;
    Reason lapse = null;
    if (trialEndsAt != null) {
      lapsesAt = trialEndsAt.toEpochMilli();
      lapse = Reason.TRIAL_ENDED;
    }
    if (expiresAt != null && expiresAt.toEpochMilli() <= lapsesAt) {
      lapsesAt = expiresAt.toEpochMilli();
      lapse = Reason.LICENSE_EXPIRED;
    }
    Map<String, Entry> entries = new HashMap<>();
    for (JsonNode node : root.path("entitlements")) {
      Entry entry = Entry.parse(node);
      entries.put(entry.slug, entry);
    }
    return new Snapshot(
            etag,
            body,
            instant(root.get("as_of")),
            Collections.unmodifiableMap(entries),
            lapsesAt,
            lapse)
        .settledAt(settled);
  }

  /**
   * This snapshot with what each meter had settled when a request left: what the server holds when
   * it answers "not modified" to it (usage would have changed had any of those reports been counted
   * since).
   */
  Snapshot settledAt(Map<String, Meter.Settled> settled) {
    Map<String, Entry> entries = new HashMap<>();
    this.entries.forEach(
        (slug, entry) -> {
          Meter.Settled meter = settled.get(slug);
          entries.put(slug, meter == null ? entry : entry.settledAt(meter.value, meter.count));
        });
    return new Snapshot(etag, body, asOf, Collections.unmodifiableMap(entries), lapsesAt, lapse);
  }

  /** The slugs whose entries differ between the two (added, removed or changed). */
  static Set<String> changes(Snapshot before, Snapshot after) {
    Set<String> changed = new HashSet<>();
    Map<String, Entry> old = before == null ? Map.of() : before.entries;
    after.entries.forEach(
        (slug, entry) -> {
          if (!entry.sameAs(old.get(slug))) {
            changed.add(slug);
          }
        });
    old.keySet().stream().filter(slug -> !after.entries.containsKey(slug)).forEach(changed::add);
    if (before != null && (before.lapsesAt != after.lapsesAt || before.lapse != after.lapse)) {
      changed.addAll(after.entries.keySet());
    }
    return changed;
  }

  private static Instant instant(JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asText());
  }

  /** One entitlement as the snapshot holds it. */
  static final class Entry {
    final String slug;
    final EntitlementType type;
    final boolean enabled;
    final Reason reason;
    final String source;

    /** What the license gives, as the server wrote it (null when nothing). */
    final JsonNode value;

    // NUMERIC only
    final BigDecimal exactLimit;
    final double limit;
    final boolean hard;
    final Aggregation aggregation;

    /** A SOFT limit's overage cap: reports past it are refused; infinite without one. */
    final double cap;

    final double usage;
    final long periodStart;
    final long periodEnd;
    final String unit;

    /** What this process's meter had settled when the request left, and how many reports. */
    final double settledAtFetch;

    final long settledCountAtFetch;

    private Entry(
        String slug,
        EntitlementType type,
        boolean enabled,
        Reason reason,
        String source,
        JsonNode value,
        BigDecimal exactLimit,
        double limit,
        boolean hard,
        Aggregation aggregation,
        double cap,
        double usage,
        long periodStart,
        long periodEnd,
        String unit,
        double settledAtFetch,
        long settledCountAtFetch) {
      this.slug = slug;
      this.type = type;
      this.enabled = enabled;
      this.reason = reason;
      this.source = source;
      this.value = value;
      this.exactLimit = exactLimit;
      this.limit = limit;
      this.hard = hard;
      this.aggregation = aggregation;
      this.cap = cap;
      this.usage = usage;
      this.periodStart = periodStart;
      this.periodEnd = periodEnd;
      this.unit = unit;
      this.settledAtFetch = settledAtFetch;
      this.settledCountAtFetch = settledCountAtFetch;
    }

    static Entry parse(JsonNode node) {
      String slug = node.path("slug").asText();
      EntitlementType type = EntitlementType.valueOf(node.path("type").asText());
      boolean enabled = node.path("enabled").asBoolean(false);
      Reason reason = Reason.fromServer(node.path("reason").asText());
      if (reason == null) {
        // A reason newer than this client: it still tells granted from not.
        reason = enabled ? Reason.GRANTED : Reason.DISABLED;
      }
      JsonNode value = node.get("value");
      value = value == null || value.isNull() ? null : value;
      BigDecimal exactLimit = null;
      double limit = Double.POSITIVE_INFINITY;
      boolean hard = false;
      Aggregation aggregation = null;
      double cap = Double.POSITIVE_INFINITY;
      double usage = 0;
      long periodStart = 0;
      long periodEnd = NEVER;
      String unit = null;
      if (type == EntitlementType.NUMERIC) {
        JsonNode metering = node.path("metering");
        JsonNode state = node.path("usage");
        JsonNode limitNode = state.get("limit");
        if (limitNode != null && limitNode.isNumber()) {
          exactLimit = limitNode.decimalValue();
          limit = exactLimit.doubleValue();
        }
        hard = "HARD".equals(metering.path("enforcement").asText());
        aggregation = Aggregation.valueOf(metering.path("aggregation").asText("SUM"));
        JsonNode overage = metering.get("overage_percent");
        if (!hard && overage != null && overage.isNumber() && exactLimit != null) {
          cap = limit * (1 + overage.asDouble() / 100);
        }
        usage = state.path("current_usage").asDouble(0);
        JsonNode start = state.get("period_start");
        JsonNode end = state.get("period_end");
        periodStart =
            start == null || start.isNull() ? 0 : Instant.parse(start.asText()).toEpochMilli();
        periodEnd =
            end == null || end.isNull() ? NEVER : Instant.parse(end.asText()).toEpochMilli();
        unit = metering.hasNonNull("unit") ? metering.get("unit").asText() : null;
      }
      return new Entry(
          slug,
          type,
          enabled,
          reason,
          node.path("source").asText(null),
          value,
          exactLimit,
          limit,
          hard,
          aggregation,
          cap,
          usage,
          periodStart,
          periodEnd,
          unit,
          0,
          0);
    }

    Entry settledAt(double settled, long settledCount) {
      return new Entry(
          slug,
          type,
          enabled,
          reason,
          source,
          value,
          exactLimit,
          limit,
          hard,
          aggregation,
          cap,
          usage,
          periodStart,
          periodEnd,
          unit,
          settled,
          settledCount);
    }

    /** The same as the server gave it (what this process had settled aside). */
    boolean sameAs(Entry other) {
      return other != null
          && type == other.type
          && enabled == other.enabled
          && reason == other.reason
          && Objects.equals(source, other.source)
          && Objects.equals(value, other.value)
          && Objects.equals(exactLimit, other.exactLimit)
          && hard == other.hard
          && aggregation == other.aggregation
          && cap == other.cap
          && usage == other.usage
          && periodStart == other.periodStart
          && periodEnd == other.periodEnd
          && Objects.equals(unit, other.unit);
    }
  }

  /** How a counter folds its reports, as the server keeps them. */
  enum Aggregation {
    SUM,
    COUNT,
    MAX,
    MIN,
    AVERAGE,
    LATEST
  }
}
