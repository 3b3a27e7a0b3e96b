package sh.kaiten.testing;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every DynamoDB request the function under test makes: an SDK interceptor, picked up as a
 * bean by the AWS clients, so tests count round trips.
 */
@Singleton
public class DynamoRequests implements ExecutionInterceptor {
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /** One request: its operation and, for single-table operations, its table (null otherwise). */
  public record Call(String operation, String table) {}

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if ("DynamoDB".equalsIgnoreCase(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
      calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
          context.request().getValueForField("TableName", String.class).orElse(null)));
    }
  }

  public void clear() {
    calls.clear();
  }

  public List<String> operations() {
    return calls.stream().map(Call::operation).toList();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }
}
