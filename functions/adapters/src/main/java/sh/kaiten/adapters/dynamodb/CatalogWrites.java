package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * How the catalog's stores change the Catalog table: every change is one transaction with the
 * change's records (events and audit records), and a failed condition becomes the domain's error.
 *
 * <p>References stay whole through counts kept on the referenced item, moved in the same
 * transaction as the reference: a tier and a customer count their licenses, a license its
 * instances. Creating a reference requires the referenced item to exist; deleting one requires its
 * count to be zero. No scan is needed for either.
 *
 * <p>Longer than most classes here: every catalog write goes through it, so the conditions that
 * keep references whole and the reading of a cancelled transaction's reasons are written once.
 */
final class CatalogWrites {
  /** A write with no condition of its own: it fails only with the transaction's others. */
  static final Supplier<RuntimeException> NO_REFUSAL =
      () -> new IllegalStateException("no condition to fail");

  /**
   * A new token whose secret's hash is taken: a collision of 256-bit random secrets, so never in
   * practice.
   */
  static final Supplier<RuntimeException> TOKEN_TAKEN =
      () -> new IllegalStateException("a token with the same secret exists; nothing was stored");

  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  CatalogWrites(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
  }

  DynamoDbClient dynamo() {
    return dynamo;
  }

  /** {@code writes}, then the token writes that join their transaction. */
  static List<TransactWriteItem> withTokens(List<TransactWriteItem> writes, TokenWrites tokens) {
    return withTokens(writes, DynamoTokenStore.Writes.of(tokens));
  }

  static List<TransactWriteItem> withTokens(
      List<TransactWriteItem> writes, DynamoTokenStore.Writes tokens) {
    List<TransactWriteItem> all = new ArrayList<>(writes);
    all.addAll(tokens.items());
    return all;
  }

  /** A put of an item whose key must be free: ids and slugs are never silently overwritten. */
  TransactWriteItem putNew(Map<String, AttributeValue> item) {
    return putNew(table, item);
  }

  /**
   * {@link #putNew(Map)} on another table (the Webhooks table's endpoints join a catalog apply).
   */
  static TransactWriteItem putNew(String table, Map<String, AttributeValue> item) {
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK)))
        .build();
  }

  /** A put with no condition. */
  TransactWriteItem put(Map<String, AttributeValue> item) {
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build();
  }

  /** Puts an item only if its key is free. */
  void create(
      Map<String, AttributeValue> item, String conflict, String field, ChangeRecords records) {
    transact(List.of(putNew(item)), records, List.of(() -> new ConflictException(field, conflict)));
  }

  /**
   * Stores a record's fields if it is unchanged since {@code expectedUpdatedAt}; counts on it are
   * kept.
   */
  void update(
      String tenantId,
      String sk,
      Map<String, AttributeValue> fields,
      Instant expectedUpdatedAt,
      String kind,
      String id,
      ChangeRecords records) {
    Update change =
        change(tenantId, sk, fields, expectedUpdatedAt).toBuilder()
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    transactOne(
        TransactWriteItem.builder().update(change).build(),
        records,
        old ->
            old.isEmpty()
                ? new NotFoundException(kind, id)
                : new ConflictException(
                    null, kind + " '" + id + "' was changed by another request; read it again"));
  }

  /**
   * SET of the fields that are set, REMOVE of the others, if the item is unchanged since it was
   * read.
   */
  Update change(
      String tenantId, String sk, Map<String, AttributeValue> fields, Instant expectedUpdatedAt) {
    Map<String, String> names =
        new HashMap<>(Map.of("#pk", Keys.PK, "#updated", CatalogItems.UPDATED_AT));
    Map<String, AttributeValue> values =
        new HashMap<>(Map.of(":expected", instant(expectedUpdatedAt)));
    List<String> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    fields.forEach(
        (field, value) -> {
          String name = "#f" + names.size();
          names.put(name, field);
          if (value == null) {
            remove.add(name);
          } else {
            values.put(":v" + values.size(), value);
            set.add(name + " = :v" + (values.size() - 1));
          }
        });
    String expression =
        "SET "
            + String.join(", ", set)
            + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
    return Update.builder()
        .tableName(table)
        .key(TenantItems.key(tenantId, sk))
        .updateExpression(expression)
        // Items written before updated_at existed are matched by existence alone.
        .conditionExpression(
            "attribute_exists(#pk) AND (#updated = :expected OR attribute_not_exists(#updated))")
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .build();
  }

  /** Deletes an item; with {@code countField}, only while nothing references it. */
  void delete(
      String tenantId,
      String sk,
      String countField,
      String kind,
      String id,
      String referenced,
      ChangeRecords records) {
    Map<String, String> names = new HashMap<>(Map.of("#pk", Keys.PK));
    Map<String, AttributeValue> values = new HashMap<>();
    String condition = "attribute_exists(#pk)";
    if (countField != null) {
      names.put("#count", countField);
      values.put(":zero", n(0));
      condition += " AND " + unreferenced("#count");
    }
    String expression = condition;
    transactOne(
        TransactWriteItem.builder()
            .delete(
                d ->
                    d.tableName(table)
                        .key(TenantItems.key(tenantId, sk))
                        .conditionExpression(expression)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values.isEmpty() ? null : values)
                        .returnValuesOnConditionCheckFailure(
                            ReturnValuesOnConditionCheckFailure.ALL_OLD))
            .build(),
        records,
        old ->
            old.isEmpty()
                ? new NotFoundException(kind, id)
                : new ConflictException(
                    null, kind + " '" + id + "' cannot be deleted: " + referenced));
  }

  /** A delete of an item whose count is zero, on further conditions of the caller's. */
  TransactWriteItem deleteUnreferenced(
      String tenantId,
      String sk,
      String condition,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    Map<String, AttributeValue> withZero = new HashMap<>(values);
    withZero.put(":zero", n(0));
    return TransactWriteItem.builder()
        .delete(
            d ->
                d.tableName(table)
                    .key(TenantItems.key(tenantId, sk))
                    .conditionExpression(condition + " AND " + unreferenced("#count"))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(withZero))
        .build();
  }

  /** A delete of an item that must exist. */
  TransactWriteItem deleteExisting(String tenantId, String sk) {
    return deleteExisting(table, tenantId, sk);
  }

  /** {@link #deleteExisting(String, String)} on another table. */
  static TransactWriteItem deleteExisting(String table, String tenantId, String sk) {
    return TransactWriteItem.builder()
        .delete(
            d ->
                d.tableName(table)
                    .key(TenantItems.key(tenantId, sk))
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK)))
        .build();
  }

  private static String unreferenced(String count) {
    return "(attribute_not_exists(" + count + ") OR " + count + " <= :zero)";
  }

  /** Moves a count on a referenced item, which must exist (a count never creates an item). */
  TransactWriteItem count(String tenantId, String sk, String field, int by) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(TenantItems.key(tenantId, sk))
                    .updateExpression("ADD #count :by")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#count", field, "#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":by", n(by))))
        .build();
  }

  TransactWriteItem timer(LifecycleTimer timer) {
    return put(DynamoLifecycleTimers.item(timer));
  }

  /**
   * Runs the writes and the change's records as one transaction. When a condition of the writes
   * fails, the error is the one given for the first write whose condition failed ({@code refusals}
   * in write order; later writes without one fail as the first). The records' own conditions (new
   * ids) do not fail but by a fault, which is thrown as it came.
   */
  void transact(
      List<TransactWriteItem> writes,
      ChangeRecords records,
      List<Supplier<? extends RuntimeException>> refusals) {
    List<TransactWriteItem> all = new ArrayList<>(writes);
    all.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(all));
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      for (int i = 0; i < Math.min(reasons.size(), writes.size()); i++) {
        if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
          throw refusals.get(i < refusals.size() ? i : 0).get();
        }
      }
      throw e;
    }
  }

  /**
   * One write with the change's records; a failed condition is refused as {@code refusal} says from
   * the item as it was.
   */
  private void transactOne(
      TransactWriteItem write,
      ChangeRecords records,
      Function<Map<String, AttributeValue>, RuntimeException> refusal) {
    List<TransactWriteItem> all = new ArrayList<>(List.of(write));
    all.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(all));
    } catch (TransactionCanceledException e) {
      CancellationReason reason =
          e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
              ? e.cancellationReasons().get(0)
              : null;
      if (reason != null && "ConditionalCheckFailed".equals(reason.code())) {
        throw refusal.apply(reason.hasItem() ? reason.item() : Map.of());
      }
      throw e;
    }
  }
}
