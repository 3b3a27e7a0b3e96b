package sh.kaiten.local.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in's meters and their reads, as Stripe's API reference documents them.
 *
 * <ul>
 *   <li>{@code GET /v1/billing/meters}: a list object ({@code object, data, has_more, url}) of
 *       meters, newest first; {@code status} (active, inactive) filters; {@code limit} 1 to 100 (10
 *       when absent); {@code starting_after} a meter id.
 *   <li>{@code GET /v1/billing/meters/{id}/event_summaries}: {@code customer}, {@code start_time}
 *       (inclusive) and {@code end_time} (exclusive) required, the times Unix seconds aligned with
 *       minute boundaries, start before end; {@code value_grouping_window} {@code hour} or {@code
 *       day} splits the range into windows (then the times must be aligned with them, which is
 *       stricter than Stripe's reference says, never looser); {@code limit} and {@code
 *       starting_after} page as above. Each summary applies the meter's formula ({@code sum} of the
 *       values, {@code count} of the events, {@code last}: the value of the event with the latest
 *       timestamp, the latest accepted among equal ones) to the customer's events of the meter's
 *       {@code event_name} timed in its window and accepted while the meter existed (Stripe reports
 *       the others as meter errors); newest window first; a window without events has no summary.
 *       An unknown meter is a 404 {@code resource_missing}.
 * </ul>
 *
 * Stripe aggregates asynchronously (its summaries are eventually consistent); the stand-in's are up
 * to date at once.
 */
final class StripeMeters {
  private static final Pattern SUMMARIES =
      Pattern.compile("^/v1/billing/meters/([^/]+)/event_summaries$");
  private static final Set<String> FORMULAS = Set.of("sum", "count", "last");

  /** An answer: its status and its body (a map Jackson writes). */
  record Answer(int status, Object body) {}

  private record Meter(String id, String eventName, String formula, Instant created) {}

  private record Summary(String id, Instant start, Instant end, Number value) {}

  private final Clock clock;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  StripeMeters(Clock clock) {
    this.clock = clock;
  }

  String create(String eventName, String formula) {
    if (!FORMULAS.contains(formula)) {
      throw new IllegalArgumentException("a meter's formula is sum, count or last: " + formula);
    }
    if (meters.stream().anyMatch(meter -> meter.eventName().equals(eventName))) {
      throw new IllegalArgumentException("a meter of " + eventName + " exists already");
    }
    String id = "mtr_test_" + UUID.randomUUID().toString().replace("-", "");
    meters.add(new Meter(id, eventName, formula, clock.instant()));
    return id;
  }

  boolean serves(String path) {
    return "/v1/billing/meters".equals(path) || SUMMARIES.matcher(path).matches();
  }

  Answer answer(String path, Map<String, String> query, List<StripeStandIn.Accepted> events) {
    try {
      return read(path, query, events);
    } catch (NumberFormatException notInteger) {
      String param = notInteger.getMessage();
      return error(400, "parameter_invalid_integer", param, "Invalid integer: " + query.get(param));
    }
  }

  private Answer read(String path, Map<String, String> query, List<StripeStandIn.Accepted> events) {
    Long limit = integer(query, "limit");
    if (limit == null) {
      limit = 10L;
    } else if (limit < 1 || limit > 100) {
      return invalid("limit", "limit must be between 1 and 100");
    }
    if ("/v1/billing/meters".equals(path)) {
      return listMeters(query, limit.intValue());
    }
    Matcher summaries = SUMMARIES.matcher(path);
    summaries.matches();
    String meterId = summaries.group(1);
    Meter meter = meters.stream().filter(m -> m.id().equals(meterId)).findFirst().orElse(null);
    if (meter == null) {
      return error(404, "resource_missing", "id", "No such billing meter: '" + meterId + "'");
    }
    return listSummaries(meter, path, query, limit.intValue(), events);
  }

  private Answer listMeters(Map<String, String> query, int limit) {
    String status = query.get("status");
    if (status != null && !status.equals("active") && !status.equals("inactive")) {
      return invalid("status", "Invalid status: must be one of active or inactive");
    }
    List<Map<String, Object>> all = new ArrayList<>();
    List<Meter> newestFirst = new ArrayList<>(meters);
    newestFirst.sort(Comparator.comparing(Meter::created).reversed());
    for (Meter meter : newestFirst) {
      if (status == null || status.equals("active")) {
        all.add(json(meter));
      }
    }
    return page(all, query.get("starting_after"), limit, "/v1/billing/meters");
  }

  private Answer listSummaries(
      Meter meter,
      String path,
      Map<String, String> query,
      int limit,
      List<StripeStandIn.Accepted> events) {
    String customer = query.get("customer");
    if (customer == null || customer.isEmpty()) {
      return missing("customer");
    }
    for (String param : List.of("start_time", "end_time")) {
      if (!query.containsKey(param)) {
        return missing(param);
      }
    }
    long start = integer(query, "start_time");
    long end = integer(query, "end_time");
    Duration window = null;
    String grouping = query.get("value_grouping_window");
    if (grouping != null) {
      if (!grouping.equals("hour") && !grouping.equals("day")) {
        return invalid(
            "value_grouping_window", "Invalid value_grouping_window: must be one of day or hour");
      }
      window = grouping.equals("hour") ? Duration.ofHours(1) : Duration.ofDays(1);
    }
    long alignment = window == null ? 60 : window.toSeconds();
    String unit = window == null ? "minute" : grouping;
    if (start % alignment != 0) {
      return invalid("start_time", "start_time must be aligned with " + unit + " boundaries");
    }
    if (end % alignment != 0) {
      return invalid("end_time", "end_time must be aligned with " + unit + " boundaries");
    }
    if (start >= end) {
      return invalid("end_time", "end_time must be after start_time");
    }
    List<Map<String, Object>> all = new ArrayList<>();
    long step = window == null ? end - start : window.toSeconds();
    for (long from = end - step; from >= start; from -= step) {
      Summary summary =
          summary(
              meter,
              customer,
              Instant.ofEpochSecond(from),
              Instant.ofEpochSecond(from + step),
              events);
      if (summary != null) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", summary.id());
        json.put("object", "billing.meter_event_summary");
        json.put("aggregated_value", summary.value());
        json.put("end_time", summary.end().getEpochSecond());
        json.put("livemode", false);
        json.put("meter", meter.id());
        json.put("start_time", summary.start().getEpochSecond());
        all.add(json);
      }
    }
    return page(all, query.get("starting_after"), limit, path);
  }

  /** The meter's formula over the customer's events in [start, end); null when there are none. */
  private static Summary summary(
      Meter meter,
      String customer,
      Instant start,
      Instant end,
      List<StripeStandIn.Accepted> events) {
    long sum = 0;
    long count = 0;
    StripeStandIn.Accepted last = null;
    for (StripeStandIn.Accepted event : events) {
      if (event.customer().equals(customer)
          && event.eventName().equals(meter.eventName())
          && !event.acceptedAt().isBefore(meter.created())
          && !event.timestamp().isBefore(start)
          && event.timestamp().isBefore(end)) {
        sum += event.value();
        count++;
        if (last == null || !event.timestamp().isBefore(last.timestamp())) {
          last = event;
        }
      }
    }
    if (count == 0) {
      return null;
    }
    Number value =
        switch (meter.formula()) {
          case "sum" -> sum;
          case "count" -> count;
          default -> last.value();
        };
    return new Summary(
        "mtrusg_test_" + digest(meter.id() + "/" + customer + "/" + start.getEpochSecond()),
        start,
        end,
        value);
  }

  private static Answer page(
      List<Map<String, Object>> all, String startingAfter, int limit, String url) {
    int from = 0;
    if (startingAfter != null) {
      from = -1;
      for (int i = 0; i < all.size(); i++) {
        if (startingAfter.equals(all.get(i).get("id"))) {
          from = i + 1;
        }
      }
      if (from < 0) {
        return invalid("starting_after", "No such object: '" + startingAfter + "'");
      }
    }
    int to = Math.min(all.size(), from + limit);
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("object", "list");
    list.put("data", all.subList(from, to));
    list.put("has_more", to < all.size());
    list.put("url", url);
    return new Answer(200, list);
  }

  private static Map<String, Object> json(Meter meter) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", meter.id());
    json.put("object", "billing.meter");
    json.put("created", meter.created().getEpochSecond());
    json.put(
        "customer_mapping", Map.of("event_payload_key", "stripe_customer_id", "type", "by_id"));
    json.put("default_aggregation", Map.of("formula", meter.formula()));
    json.put("display_name", meter.eventName());
    json.put("event_name", meter.eventName());
    json.put("event_time_window", null);
    json.put("livemode", false);
    json.put("status", "active");
    Map<String, Object> transitions = new LinkedHashMap<>();
    transitions.put("deactivated_at", null);
    json.put("status_transitions", transitions);
    json.put("updated", meter.created().getEpochSecond());
    json.put("value_settings", Map.of("event_payload_key", "value"));
    return json;
  }

  /**
   * A whole number parameter, or null when absent.
   *
   * @throws NumberFormatException naming the parameter, when it is not one
   */
  private static Long integer(Map<String, String> query, String name) {
    String raw = query.get(name);
    if (raw == null) {
      return null;
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NumberFormatException(name);
    }
  }

  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Answer missing(String param) {
    return error(400, "parameter_missing", param, "Missing required param: " + param + ".");
  }

  private static Answer invalid(String param, String message) {
    return error(400, "parameter_invalid", param, message);
  }

  private static Answer error(int status, String code, String param, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "invalid_request_error");
    error.put("code", code);
    error.put("param", param);
    error.put("message", message);
    return new Answer(status, Map.of("error", error));
  }
}
