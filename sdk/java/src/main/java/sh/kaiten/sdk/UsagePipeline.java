package sh.kaiten.sdk;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;

/** Placeholder, replaced by the real pipeline: ships queued reports in batches. */
final class UsagePipeline implements AutoCloseable {

  UsagePipeline(Transport transport, String instancePath, PipelineSettings settings, Listeners listeners, Clock clock,
      DeliveryObserver observer, TallySource tallies) {}

  void start() throws IOException {}

  void enqueue(String entitlement, BigDecimal value) {}

  boolean flush(Duration timeout) {
    return false;
  }

  long queued() {
    return 0;
  }

  @Override
  public void close() {}
}
