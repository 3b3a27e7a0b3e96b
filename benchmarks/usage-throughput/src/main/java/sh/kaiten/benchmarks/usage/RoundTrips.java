package sh.kaiten.benchmarks.usage;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts DynamoDB requests by operation, so a run can say what one report costs in round trips. */
final class RoundTrips implements ExecutionInterceptor {
  private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    byOperation
        .computeIfAbsent(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), name -> new LongAdder())
        .increment();
  }

  /** The counts since the last call, by operation; starts counting again from zero. */
  Map<String, Long> drain() {
    Map<String, Long> counts = new TreeMap<>();
    byOperation.forEach((operation, count) -> counts.put(operation, count.sumThenReset()));
    counts.values().removeIf(count -> count == 0);
    return counts;
  }
}
