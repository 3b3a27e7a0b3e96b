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
 * Fails the next DynamoDB request that writes to a given table, or the next SQS send to a given
 * queue URL, before it is sent, as an unreachable or throttled service would: an SDK interceptor,
 * picked up as a bean by the AWS clients. A request that writes to several tables (a transaction)
 * fails whole, so nothing of it is stored.
 */
@Singleton
public class FailingWrites implements ExecutionInterceptor {
  private final AtomicReference<String> armed = new AtomicReference<>();
  private final AtomicReference<String> armedAfter = new AtomicReference<>();
  private final AtomicReference<String> armedPlain = new AtomicReference<>();

  /** The next request that writes to {@code table} (a table name or a queue URL) fails. */
  public void failNextWriteTo(String table) {
    armed.set(table);
  }

  /**
   * The next request that writes to {@code table} is sent and applied, then fails as if its answer
   * had been lost: what a function sees when it stops between a write and its answer.
   */
  public void failAfterNextWriteTo(String table) {
    armedAfter.set(table);
  }

  /**
   * The next request that writes to {@code table} outside a transaction fails, before it is sent.
   */
  public void failNextPlainWriteTo(String table) {
    armedPlain.set(table);
  }

  public void disarm() {
    armed.set(null);
    armedAfter.set(null);
    armedPlain.set(null);
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    String table = armedAfter.get();
    if (table != null
        && writesTo(context.request(), table)
        && armedAfter.compareAndSet(table, null)) {
      throw SdkClientException.create(
          "injected failure: the answer of a write to " + table + " was lost");
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String table = armed.get();
    if (table != null && writesTo(context.request(), table) && armed.compareAndSet(table, null)) {
      throw SdkClientException.create("injected failure: table " + table + " is unreachable");
    }
    String plain = armedPlain.get();
    if (plain != null
        && !(context.request() instanceof TransactWriteItemsRequest)
        && writesTo(context.request(), plain)
        && armedPlain.compareAndSet(plain, null)) {
      throw SdkClientException.create("injected failure: table " + plain + " is unreachable");
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
    boolean write =
        name.startsWith("PutItem")
            || name.startsWith("UpdateItem")
            || name.startsWith("DeleteItem")
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
