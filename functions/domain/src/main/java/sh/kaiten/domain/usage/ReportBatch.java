package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.error.StoreFailureException;
import sh.kaiten.domain.license.InstanceContext;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterStep;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * The reports of one batch, written in batch order counter by counter. Reports of one additive
 * counter (SUM, COUNT, AVERAGE) that follow each other on it form a group, written at once: their
 * sum and count in one atomic write with their idempotency keys' markers and their audit records (a
 * group ends where one more report would take that write past {@link
 * UsageCounters#MAX_ITEMS_PER_WRITE} items: its keys, the counter, and one record per {@link
 * ReportJournal#REPORTS_PER_RECORD} reports with its billing stream item). Each report of a group
 * is answered what it would have been alone: the counter before the group (as read just before the
 * write) plus the group's reports up to and including it.
 *
 * <p>A group the store does not take whole is written one report at a time, exactly as single
 * reports are, so its outcome is what it would have been: past a ceiling, the reports up to the
 * limit counted and the rest refused. A group that meets keys used before first answers those as
 * replays, from one read of its keys, and writes the rest together again.
 *
 * <p>Written one at a time too: reports refused before any write, reports whose key came earlier in
 * the batch (a replay of that one, once it is written), and MAX, MIN and LATEST reports, whose
 * counter keeps one value under a condition on that value, which no total of a group stands for.
 *
 * <p>A store failure (anything but a refusal) stops the batch where it happens: reports answered
 * before it keep their answers, the reports of the write that failed are answered that they may or
 * may not have been counted, and every report not yet written that it was not counted. So a retry
 * with the same idempotency keys counts each report exactly once.
 *
 * <p>Longer than most classes here: grouping, the group write, its fall back to one at a time and
 * the answers after a failure are one algorithm whose parts only make sense together.
 */
final class ReportBatch {
  /** Writes one report on its own, as a single report is written. */
  @FunctionalInterface
  interface OneReport {
    /**
     * @param read counters as known, so that a keyed report need not read its own
     */
    ReportResult write(Map<CounterKey, Tally> read, MeteredReport report);
  }

  private final UsageCounters counters;
  private final UsageSignals signals;
  private final Duration lateWindow;
  private final InstanceContext context;
  private final ReportJournal journal;
  private final OneReport one;
  private final BatchResult[] results;

  /**
   * Counters as this batch knows them: read with the instance, or as a group write left them; a
   * counter is forgotten once a report is written on its own to it, whose outcome the batch does
   * not follow.
   */
  private final Map<CounterKey, Tally> known;

  /** The groups still open, one per counter, in the order they were opened. */
  private final Map<CounterKey, ReportGroup> open = new LinkedHashMap<>();

  /**
   * Every idempotency key of the batch so far, and the counter of the report that carried it first.
   */
  private final Map<String, CounterKey> keys = new HashMap<>();

  /**
   * The counters whose groups were answered from estimates, for one read each once the batch is
   * written.
   */
  private final Map<CounterKey, Unsettled> unsettled = new LinkedHashMap<>();

  /** The store failure that stopped the batch; null while none has. */
  private RuntimeException stopped;

  /**
   * @param read the counters read with the instance
   * @param results where each report's outcome goes, at its index
   */
  ReportBatch(
      UsageCounters counters,
      UsageSignals signals,
      Duration lateWindow,
      InstanceContext context,
      ReportJournal journal,
      OneReport one,
      Map<CounterKey, Tally> read,
      BatchResult[] results) {
    this.journal = journal;
    this.counters = counters;
    this.signals = signals;
    this.lateWindow = lateWindow;
    this.context = context;
    this.one = one;
    this.known = new HashMap<>(read);
    this.results = results;
  }

  /** Writes the reports, in order; each outcome lands at its index. */
  void write(List<MeteredReport> reports) {
    for (MeteredReport report : reports) {
      if (stopped != null) {
        notCounted(report);
        continue;
      }
      CounterKey counter = report.meter().key();
      String key = report.idempotencyKey();
      boolean repeated = key != null && keys.containsKey(key);
      if (repeated) {
        close(keys.get(key)); // the first report of the key is written before its replay
      } else if (key != null) {
        keys.put(key, counter);
      }
      if (repeated || !groups(report)) {
        close(counter);
        alone(report);
        continue;
      }
      ReportGroup group = open.get(counter);
      if (group != null && !(group.takes(report) && group.fits(report))) {
        close(counter);
        group = null;
      }
      if (group == null) {
        group = new ReportGroup(report.meter());
        open.put(counter, group);
      }
      group.add(report);
    }
    new ArrayList<>(open.keySet()).forEach(this::close);
    if (stopped == null) {
      // One read per counter after the whole batch spans every group's true step
      // (UsageSignals#settled).
      unsettled.values().forEach(counter -> signals.settled(counter.meter(), counter.estimated()));
    }
  }

  /** A counter the batch wrote from estimates, and the highest usage its answers gave. */
  private record Unsettled(Meter meter, BigDecimal estimated) {}

  /** Whether a report may be written with others: it goes to an additive counter. */
  private static boolean groups(MeteredReport report) {
    Aggregation aggregation = report.meter().aggregation();
    return report.refusal() == null
        && (aggregation == Aggregation.SUM
            || aggregation == Aggregation.COUNT
            || aggregation == Aggregation.AVERAGE);
  }

  /** Writes the open group of a counter, if any. */
  private void close(CounterKey counter) {
    ReportGroup group = open.remove(counter);
    if (group == null) {
      return;
    }
    guarded(group.reports, () -> writeGroup(group));
  }

  /**
   * Runs a write of {@code reports}; on a store failure, those it left unanswered may or may not
   * have been counted, and the batch stops. Once stopped, nothing more is written.
   */
  private void guarded(List<MeteredReport> reports, Runnable write) {
    if (stopped == null) {
      try {
        write.run();
      } catch (KaitenException refused) {
        throw refused;
      } catch (RuntimeException failure) {
        stopped = failure;
        for (MeteredReport report : reports) {
          if (results[report.index()] == null) {
            results[report.index()] = BatchResult.failed(outcomeUnknown(report, failure));
          }
        }
      }
    }
    reports.forEach(this::notCounted);
  }

  /**
   * A report whose write the store failed under: it may or may not have been counted (and recorded
   * with it).
   */
  static StoreFailureException outcomeUnknown(MeteredReport report, RuntimeException failure) {
    return new StoreFailureException(
        true,
        "the store failed while this report was written; it may or may not have been counted: "
            + (report.idempotencyKey() != null
                ? "send it again with the same idempotency_key, and it is counted once"
                : "it has no idempotency_key, so sending it again may count it twice"),
        failure);
  }

  /**
   * A report the batch did not write, after a store failure; a report already answered keeps its
   * answer.
   */
  private void notCounted(MeteredReport report) {
    if (results[report.index()] == null) {
      results[report.index()] =
          BatchResult.failed(
              new StoreFailureException(
                  false,
                  "not counted: the batch stopped at a store failure before this report was written; send it again",
                  stopped));
    }
  }

  private void writeGroup(ReportGroup group) {
    if (group.reports.isEmpty()) {
      return;
    }
    if (group.reports.size() == 1) {
      alone(group.reports.get(0));
    } else {
      together(group);
    }
  }

  /**
   * A group: its counter change, its keys' markers and its audit records in one atomic write,
   * answered from the counter as known just before.
   */
  private void together(ReportGroup group) {
    Meter meter = group.meter;
    CounterUpdate update =
        Contention.retried(
            attempt -> {
              // A retry reads the counter afresh.
              Tally before =
                  attempt == 1 && known.containsKey(meter.key())
                      ? known.get(meter.key())
                      : counters.tally(meter.key(), meter.metering());
              List<ReportResult> answers = group.answers(before);
              List<IdempotentReport> remember = new ArrayList<>(group.keys);
              List<ReportJournal.Counted> counted = new ArrayList<>(answers.size());
              for (int i = 0; i < answers.size(); i++) {
                MeteredReport report = group.reports.get(i);
                counted.add(
                    new ReportJournal.Counted(
                        report.index(), report.report(), answers.get(i), report.at()));
                if (report.idempotencyKey() != null) {
                  remember.add(
                      IdempotencyKeys.remember(
                          context, report.report(), answers.get(i), report.now()));
                }
              }
              return counters.countAll(
                  meter.key(),
                  meter.metering(),
                  meter.close(lateWindow),
                  CounterStep.of(before, group.tally()),
                  meter.storeCeiling(),
                  remember,
                  journal.records(counted),
                  group.now());
            });
    if (update instanceof CounterUpdate.Counted counted) {
      counted(group, counted);
    } else if (update instanceof CounterUpdate.Duplicate && !group.retry) {
      replaysApart(group);
    } else {
      oneByOne(group);
    }
  }

  /**
   * A group holding keys used before (a batch sent again, say): the group's keys are looked up in
   * one read, the reports of used keys answered as replays (or a conflict), as one by one, and the
   * rest, whose answers replays do not change, written together once more; if that meets a used key
   * too, one by one.
   */
  private void replaysApart(ReportGroup group) {
    List<String> groupKeys =
        group.reports.stream().map(MeteredReport::idempotencyKey).filter(Objects::nonNull).toList();
    Map<String, IdempotentReport> used =
        counters.remembered(context.tenantId(), context.instance().id(), groupKeys, group.now());
    ReportGroup rest = new ReportGroup(group.meter);
    rest.retry = true;
    for (MeteredReport report : group.reports) {
      IdempotentReport first =
          report.idempotencyKey() == null ? null : used.get(report.idempotencyKey());
      if (first == null) {
        rest.add(report);
        continue;
      }
      try {
        results[report.index()] = BatchResult.of(IdempotencyKeys.replayOf(first, report.report()));
      } catch (KaitenException conflict) {
        results[report.index()] = BatchResult.failed(conflict);
      }
    }
    writeGroup(rest);
  }

  /**
   * A group counted: each report's answer, and the signals each would have sent alone. One signal
   * from before to after the group would fire the same thresholds for SUM and COUNT, which only
   * grow, but would carry the usage after the group to the webhook, and would miss an AVERAGE that
   * rises past a boundary and falls back within the group; the steps cost no write, and only those
   * that cross a boundary publish.
   */
  private void counted(ReportGroup group, CounterUpdate.Counted counted) {
    Meter meter = group.meter;
    List<ReportResult> answers = group.answers(counted.before());
    BigDecimal previous = counted.before().value(meter.aggregation());
    for (int i = 0; i < answers.size(); i++) {
      results[group.reports.get(i).index()] = BatchResult.of(answers.get(i));
      BigDecimal usage = answers.get(i).state().currentUsage();
      signals.crossings(meter, previous, usage);
      previous = usage;
    }
    BigDecimal after = counted.after().value(meter.aggregation());
    if (after.compareTo(previous) != 0) {
      // A counter spread over shards is seen with other instances' reports too: what they crossed
      // counts as well.
      signals.crossings(meter, previous, after);
    }
    if (counted.estimated()) {
      unsettled.merge(
          meter.key(),
          new Unsettled(meter, after.max(previous)),
          (was, now) -> new Unsettled(meter, was.estimated().max(now.estimated())));
    }
    known.put(meter.key(), counted.after());
  }

  private void oneByOne(ReportGroup group) {
    group.reports.forEach(this::alone);
  }

  /** One report written on its own; its outcome, refusals and conflicts included, is its answer. */
  private void alone(MeteredReport report) {
    guarded(
        List.of(report),
        () -> {
          try {
            results[report.index()] = BatchResult.of(one.write(known, report));
          } catch (KaitenException refused) {
            results[report.index()] = BatchResult.failed(refused);
          } finally {
            known.remove(report.meter().key());
          }
        });
  }
}
