package sh.kaiten.thresholds;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.domain.thresholds.ThresholdEvaluator;

/** Builds the use case this function serves. */
public class ThresholdWiring {

  @Produces
  @Singleton
  ThresholdEvaluator evaluator(CrossingMarkers markers, Events events, Clock clock) {
    return new ThresholdEvaluator(markers, events, clock);
  }
}
