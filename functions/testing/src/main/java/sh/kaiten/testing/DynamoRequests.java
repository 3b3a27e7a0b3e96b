package sh.kaiten.testing;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every DynamoDB request the function under test makes for its answers: an SDK interceptor,
 * picked up as a bean by the AWS clients, so tests count round trips. The tenant request budget's
 * slice claims are left out: one claim serves up to 50 requests of a tenant
 * (DynamoRequestBudgetTest counts them), so they are no request's own cost.
 */
@Singleton
public class DynamoRequests implements ExecutionInterceptor {
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /** One request: its operation and, for single-table operations, its table (null otherwise). */
  public record Call(String operation, String table) {}

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if ("DynamoDB".equalsIgnoreCase(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
      String table = context.request().getValueForField("TableName", String.class).orElse(null);
      if (table == null
          || !table.equals(
              ConfigProvider.getConfig()
                  .getOptionalValue("kaiten.table.budgets", String.class)
                  .orElse(null))) {
        calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), table));
      }
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
