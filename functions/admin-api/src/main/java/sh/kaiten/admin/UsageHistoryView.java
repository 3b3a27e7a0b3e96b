package sh.kaiten.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.usage.PeriodUsage;

/**
 * One period total as the usage views and the export show it, e.g. {@code
 * {"entitlement":"api-calls","holder":"instance:acme-prod","period_start":"2026-10-01T00:00:00Z",
 * "period_end":"2026-11-01T00:00:00Z","aggregation":"SUM","usage":67433,"reports":412,"closed":true}}.
 *
 * @param reports null for MAX, MIN and LATEST, whose counters do not keep it
 */
@RegisterForReflection
record UsageHistoryView(
    String entitlement,
    String holder,
    Instant periodStart,
    Instant periodEnd,
    Aggregation aggregation,
    BigDecimal usage,
    Long reports,
    boolean closed) {

  /** The CSV header: the JSON field names, in the same order. */
  static final List<String> COLUMNS =
      List.of(
          "entitlement",
          "holder",
          "period_start",
          "period_end",
          "aggregation",
          "usage",
          "reports",
          "closed");

  static UsageHistoryView of(PeriodUsage usage) {
    return new UsageHistoryView(
        usage.entitlement(),
        usage.holder(),
        usage.period().start(),
        usage.period().end(),
        usage.aggregation(),
        usage.usage(),
        usage.reports(),
        usage.closed());
  }

  /** The cells of a CSV record, as {@link #COLUMNS} names them; null for an empty cell. */
  List<String> cells() {
    return Arrays.asList(
        entitlement,
        holder,
        text(periodStart),
        text(periodEnd),
        aggregation.name(),
        usage.toPlainString(),
        text(reports),
        Boolean.toString(closed));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
