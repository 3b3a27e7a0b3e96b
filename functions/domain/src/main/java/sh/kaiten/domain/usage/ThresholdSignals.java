package sh.kaiten.domain.usage;

/** Port: where threshold signals go (the thresholds queue). */
public interface ThresholdSignals {
  void publish(ThresholdSignal signal);
}
