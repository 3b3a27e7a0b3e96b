package sh.kaiten.domain.closing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.ScheduledRun;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.thresholds.CrossingMarkers;

/**
 * The scheduler's period-closing job: announces each counter period's totals, once they are final,
 * as {@code usage.period_closed}, once per (counter, period). A period is final at its end plus the
 * late window, since a late report may land in it until then; a lifetime counter never closes. The
 * event goes out once through a marker beside the counter's threshold markers, written in one
 * transaction with the event's outbox item ({@link CrossingMarkers#fire}); then the period is kept
 * as closed ({@link ClosedPeriods}), whether this run fired it or an earlier one that stopped
 * short; after that, the counter's items are done with.
 */
public final class PeriodClosing {
  /** The marker alert of a period's close. */
  static final String CLOSED = "closed";

  /** The most periods one run takes up; the others stay due for the next run. */
  static final int PER_RUN = 500;

  /** How long one run goes on starting periods, well within the function's timeout. */
  static final Duration BUDGET = Duration.ofSeconds(8);

  private final ClosingCounters counters;
  private final CrossingMarkers markers;
  private final ClosedPeriods closed;
  private final Clock clock;
  private final Duration lateWindow;

  /**
   * @param lateWindow how long after its end a report may still land in a period (usage-api's
   *     setting)
   */
  public PeriodClosing(
      ClosingCounters counters,
      CrossingMarkers markers,
      ClosedPeriods closed,
      Clock clock,
      Duration lateWindow) {
    this.counters = counters;
    this.markers = markers;
    this.closed = closed;
    this.clock = clock;
    this.lateWindow = lateWindow;
  }

  /** Announces the periods that became final, earliest first. */
  public ScheduledRun fireDue() {
    Instant now = clock.instant();
    Instant stop = now.plus(BUDGET);
    List<Event> fired = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (CounterKey counter : counters.due(now, PER_RUN)) {
      if (!clock.instant().isBefore(stop)) {
        break;
      }
      try {
        fire(counter, now).ifPresent(fired::add);
      } catch (RuntimeException e) {
        failures.add(
            "the close of "
                + counter.entitlement()
                + " for "
                + counter.holder()
                + " in period "
                + counter.period()
                + " (tenant "
                + counter.tenantId()
                + "): "
                + e.getMessage());
      }
    }
    return new ScheduledRun(fired, failures);
  }

  private Optional<Event> fire(CounterKey counter, Instant now) {
    List<CounterItem> items = counters.items(counter);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    Instant finalAt = items.get(0).period().finalAt(lateWindow);
    if (finalAt == null || finalAt.isAfter(now)) {
      return Optional
          .empty(); // filed by a shorter late window than this function's: it stays due until this
      // one's
    }
    ObjectNode totals = totals(counter, items);
    Event event =
        new Event(
            Ids.newId(Event.ID_PREFIX, now),
            counter.tenantId(),
            EventType.USAGE_PERIOD_CLOSED,
            now,
            totals);
    boolean fired =
        markers.fire(
            counter, CLOSED, event); // false: an earlier run fired it, then stopped short of this
    // Final since finalAt, so a redone close records the figures the first one announced.
    closed.record(
        new ClosedPeriod(
            counter.tenantId(),
            counter.holder(),
            counter.entitlement(),
            items.get(0).aggregation(),
            items.get(0).period().start(),
            items.get(0).period().end(),
            totals.get("usage").decimalValue()));
    items.forEach(counters::done);
    return fired ? Optional.of(event) : Optional.empty();
  }

  /** The period's totals: its items merged, as one counter. */
  private static ObjectNode totals(CounterKey counter, List<CounterItem> items) {
    Aggregation aggregation = items.get(0).aggregation();
    Period period = items.get(0).period();
    Tally total = Tally.EMPTY;
    for (CounterItem item : items) {
      total = total.merge(item.tally());
    }
    ObjectNode data = EventData.of(counter);
    data.put("aggregation", aggregation.name());
    data.put("period_start", period.start().toString());
    data.put("period_end", period.end().toString());
    data.put("usage", total.value(aggregation));
    if (aggregation.keepsReports()) {
      data.put("reports", total.count());
    } else {
      data.putNull("reports");
    }
    data.put("limit", limit(items));
    return data;
  }

  /**
   * The limit the period's reports were held to. Shards agree on it unless it changed during the
   * period; then the highest holds, unlimited above all.
   */
  private static BigDecimal limit(List<CounterItem> items) {
    BigDecimal highest = items.get(0).limit();
    for (CounterItem item : items) {
      if (highest == null || item.limit() == null) {
        return null;
      }
      highest = highest.max(item.limit());
    }
    return highest;
  }
}
