package sh.kaiten.sdk;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One request to {@code POST .../usage/batch}: reports and the check tallies sent with them. Sent
 * again unchanged (same keys, same checks id) until the server answers for it.
 */
final class UsageBatch {
  final List<QueuedReport> reports;

  /** Null when the request carries no tallies. */
  final Checks checks;

  UsageBatch(List<QueuedReport> reports, Checks checks) {
    this.reports = List.copyOf(reports);
    this.checks = checks;
  }

  boolean isEmpty() {
    return reports.isEmpty() && checks == null;
  }

  UsageBatch withoutChecks() {
    return new UsageBatch(reports, null);
  }

  UsageBatch withoutReports() {
    return new UsageBatch(List.of(), checks);
  }

  /**
   * {@code {"events":[...],"checks":{"id":...,"tallies":[...]}}}; {@code checks} left out when
   * there are none.
   */
  byte[] json() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + reports.size() * 128);
    try (JsonGenerator json = Transport.JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("events");
      for (QueuedReport report : reports) {
        json.writeStartObject();
        json.writeStringField("entitlement_slug", report.entitlement);
        json.writeFieldName("value");
        json.writeNumber(exact(report.value));
        json.writeStringField("timestamp", Instant.ofEpochMilli(report.timestamp).toString());
        json.writeStringField("idempotency_key", report.idempotencyKey);
        json.writeEndObject();
      }
      json.writeEndArray();
      if (checks != null) {
        json.writeObjectFieldStart("checks");
        json.writeStringField("id", checks.id);
        json.writeArrayFieldStart("tallies");
        for (CheckTally tally : checks.tallies) {
          json.writeStartObject();
          json.writeStringField("entitlement", tally.entitlement);
          json.writeStringField("minute", tally.minute.toString());
          json.writeBooleanField("allowed", tally.allowed);
          json.writeStringField("reason", tally.reason.name());
          json.writeNumberField("count", tally.count);
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a usage batch could not be written", e);
    }
    return out.toByteArray();
  }

  /**
   * The value as a JSON number, digit for digit: plain ({@code 1000}, {@code 0.25}) unless its
   * exponent would write hundreds of zeros, then in E notation, which is as exact.
   */
  static String exact(BigDecimal value) {
    int scale = value.scale();
    return scale >= -64 && scale <= 64 ? value.toPlainString() : value.toString();
  }

  /** Check tallies with the id the server's readers drop repeats by. */
  static final class Checks {
    final String id;
    final List<CheckTally> tallies;

    Checks(String id, List<CheckTally> tallies) {
      this.id = id;
      this.tallies = List.copyOf(tallies);
    }
  }
}
