package sh.kaiten.domain.thresholds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.memory.InMemoryCrossingMarkers;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.usage.ThresholdSignal;

class ThresholdEvaluatorTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final CounterKey COUNTER =
      new CounterKey("tnt_a", "api-calls", CounterKey.instanceHolder("acme-prod"), "2026-11");

  private final InMemoryCrossingMarkers markers = new InMemoryCrossingMarkers();
  private final ThresholdEvaluator evaluator = at(NOW);

  private ThresholdEvaluator at(Instant now) {
    return new ThresholdEvaluator(markers, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static ThresholdSignal signal(long previous, long updated) {
    return new ThresholdSignal(
        COUNTER,
        BigDecimal.valueOf(1000),
        BigDecimal.valueOf(previous),
        BigDecimal.valueOf(updated),
        List.of(80, 100));
  }

  @Test
  void aCrossedThresholdFiresItsEventWithTheCounterAndUsage() {
    List<Event> fired = evaluator.evaluate(signal(799, 800));

    assertThat(fired)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.type()).isEqualTo(EventType.USAGE_THRESHOLD_REACHED);
              assertThat(event.tenantId()).isEqualTo("tnt_a");
              assertThat(event.id()).startsWith("evt_");
              assertThat(event.createdAt()).isEqualTo(NOW);
              assertThat(event.data().toString())
                  .isEqualTo(
                      "{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
                          + "\"period\":\"2026-11\",\"threshold_percent\":80,\"limit\":1000,\"current_usage\":800}");
            });
    assertThat(markers.outbox.events).containsExactlyElementsOf(fired);
  }

  @Test
  void oneJumpPastSeveralThresholdsFiresEachInOrder() {
    List<Event> fired = evaluator.evaluate(signal(10, 1200));

    assertThat(fired)
        .extracting(Event::type)
        .containsExactly(EventType.USAGE_THRESHOLD_REACHED, EventType.USAGE_LIMIT_REACHED);
    assertThat(fired)
        .extracting(event -> event.data().get("threshold_percent").asInt())
        .containsExactly(80, 100);
  }

  @Test
  void aRedeliveredSignalFiresNothing() {
    evaluator.evaluate(signal(950, 1000));

    assertThat(evaluator.evaluate(signal(950, 1000))).isEmpty();
    assertThat(markers.outbox.events).hasSize(1);
  }

  @Test
  void thresholdsTheSignalNamesButDidNotCrossFireNothing() {
    assertThat(evaluator.evaluate(signal(850, 900))).isEmpty();
    assertThat(evaluator.evaluate(signal(1000, 1100))).isEmpty();
    assertThat(markers.outbox.events).isEmpty();
  }

  @Test
  void eachPeriodAndHolderFiresOnItsOwn() {
    evaluator.evaluate(signal(0, 800));
    CounterKey nextPeriod = new CounterKey("tnt_a", "api-calls", COUNTER.holder(), "2026-12");
    CounterKey pool =
        new CounterKey("tnt_a", "api-calls", CounterKey.licenseHolder("lic_1"), "2026-11");
    evaluator.evaluate(
        new ThresholdSignal(
            nextPeriod,
            BigDecimal.valueOf(1000),
            BigDecimal.ZERO,
            BigDecimal.valueOf(800),
            List.of(80)));
    List<Event> fired =
        evaluator.evaluate(
            new ThresholdSignal(
                pool,
                BigDecimal.valueOf(1000),
                BigDecimal.ZERO,
                BigDecimal.valueOf(800),
                List.of(80)));

    assertThat(markers.outbox.events).hasSize(3);
    assertThat(fired.get(0).data().get("license_id").asText()).isEqualTo("lic_1");
  }

  @Test
  void aDeliveryWhoseWriteFailedFiresNothingAndItsRedeliveryFiresOnce() {
    markers.failNextWrite();
    assertThatThrownBy(() -> evaluator.evaluate(signal(0, 800)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(markers.outbox.events).isEmpty();

    List<Event> fired = at(NOW.plusSeconds(5)).evaluate(signal(0, 800));

    assertThat(fired)
        .singleElement()
        .extracting(Event::type)
        .isEqualTo(EventType.USAGE_THRESHOLD_REACHED);
    assertThat(at(NOW.plusSeconds(6)).evaluate(signal(0, 800))).isEmpty();
    assertThat(markers.outbox.events).isEqualTo(fired);
  }

  @Test
  void concurrentDeliveriesOfOneSignalFireOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<List<Event>>> results =
          IntStream.range(0, 50)
              .mapToObj(i -> pool.submit(() -> evaluator.evaluate(signal(999, 1000))))
              .toList();
      for (Future<List<Event>> result : results) {
        result.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(markers.outbox.events)
        .singleElement()
        .extracting(Event::type)
        .isEqualTo(EventType.USAGE_LIMIT_REACHED);
  }

  private static ThresholdSignal alert(
      ThresholdSignal.Kind kind, long previous, long updated, Reason reason) {
    return new ThresholdSignal(
        COUNTER,
        BigDecimal.valueOf(1000),
        BigDecimal.valueOf(previous),
        BigDecimal.valueOf(updated),
        List.of(),
        kind,
        reason);
  }

  @Test
  void theFirstReportPastASoftLimitFiresLimitExceededOnce() {
    assertThat(evaluator.evaluate(alert(ThresholdSignal.Kind.EXCEEDED, 1000, 1000, null)))
        .isEmpty();
    List<Event> fired = evaluator.evaluate(alert(ThresholdSignal.Kind.EXCEEDED, 1000, 1001, null));
    assertThat(evaluator.evaluate(alert(ThresholdSignal.Kind.EXCEEDED, 999, 1500, null))).isEmpty();

    assertThat(fired)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.type()).isEqualTo(EventType.USAGE_LIMIT_EXCEEDED);
              assertThat(event.data().toString())
                  .isEqualTo(
                      "{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
                          + "\"period\":\"2026-11\",\"limit\":1000,\"current_usage\":1001}");
            });
  }

  @Test
  void theFirstRefusalOfAPeriodFiresReportRejectedOnceWithItsReason() {
    List<Event> fired =
        evaluator.evaluate(alert(ThresholdSignal.Kind.REJECTED, 1000, 1000, Reason.LIMIT_REACHED));
    assertThat(
            evaluator.evaluate(
                alert(ThresholdSignal.Kind.REJECTED, 1000, 1000, Reason.LIMIT_REACHED)))
        .isEmpty();
    CounterKey nextPeriod =
        new CounterKey("tnt_a", "api-calls", CounterKey.instanceHolder("acme-prod"), "2026-12");
    assertThat(
            evaluator.evaluate(
                new ThresholdSignal(
                    nextPeriod,
                    BigDecimal.valueOf(1000),
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    List.of(),
                    ThresholdSignal.Kind.REJECTED,
                    Reason.LICENSE_SUSPENDED)))
        .hasSize(1);

    assertThat(fired)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.type()).isEqualTo(EventType.USAGE_REPORT_REJECTED);
              assertThat(event.data().toString())
                  .isEqualTo(
                      "{\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\","
                          + "\"period\":\"2026-11\",\"reason\":\"LIMIT_REACHED\",\"limit\":1000,\"current_usage\":1000}");
            });
  }
}
