package sh.kaiten.thresholds;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.domain.thresholds.ThresholdEvaluator;

/** Builds the use case this function serves. */
public class ThresholdWiring {

  @Produces
  @Singleton
  ThresholdEvaluator evaluator(CrossingMarkers markers, Clock clock) {
    return new ThresholdEvaluator(markers, clock);
  }
}
