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
  private final List<String> operations = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if ("DynamoDB".equalsIgnoreCase(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
      operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }

  public void clear() {
    operations.clear();
  }

  public List<String> operations() {
    return List.copyOf(operations);
  }
}
