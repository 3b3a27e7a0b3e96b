package sh.kaiten.testing;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Fails the next DynamoDB request that writes to a given table, or the next SQS send to a given queue
 * URL, before it is sent, as an unreachable or throttled service would: an SDK interceptor, picked up
 * as a bean by the AWS clients. A request that writes to several tables (a transaction) fails whole,
 * so nothing of it is stored.
 */
@Singleton
public class FailingWrites implements ExecutionInterceptor {
  private final AtomicReference<String> armed = new AtomicReference<>();

  /** The next request that writes to {@code table} (a table name or a queue URL) fails. */
  public void failNextWriteTo(String table) {
    armed.set(table);
  }

  public void disarm() {
    armed.set(null);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String table = armed.get();
    if (table != null && writesTo(context.request(), table) && armed.compareAndSet(table, null)) {
      throw SdkClientException.create("injected failure: table " + table + " is unreachable");
    }
  }

  private static boolean writesTo(SdkRequest request, String table) {
    if (request instanceof TransactWriteItemsRequest transaction) {
      return transaction.transactItems().stream().anyMatch(item -> table.equals(tableOf(item)));
    }
    String name = request.getClass().getSimpleName();
    if (name.startsWith("SendMessage")) {
      return table.equals(request.getValueForField("QueueUrl", String.class).orElse(null));
    }
    boolean write = name.startsWith("PutItem") || name.startsWith("UpdateItem") || name.startsWith("DeleteItem")
        || name.startsWith("BatchWriteItem");
    return write && table.equals(request.getValueForField("TableName", String.class).orElse(null));
  }

  private static String tableOf(TransactWriteItem item) {
    if (item.put() != null) {
      return item.put().tableName();
    }
    if (item.update() != null) {
      return item.update().tableName();
    }
    if (item.delete() != null) {
      return item.delete().tableName();
    }
    return item.conditionCheck() == null ? null : item.conditionCheck().tableName();
  }
}
