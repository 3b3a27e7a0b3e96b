package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The reads of a table whose items are filed by tenant ({@code pk = TENANT#{tenant}}, {@code sk} a
 * kind's prefix and an id), all read consistently: one item, a page of a kind, every item of a
 * kind.
 */
final class TenantItems {
  private final DynamoDbClient dynamo;
  private final String table;

  TenantItems(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  static Map<String, AttributeValue> key(String tenantId, String sk) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put(Keys.PK, s(Keys.tenant(tenantId)));
    key.put(Keys.SK, s(sk));
    return key;
  }

  /**
   * Longer than any sort key this table is written with (a kind's prefix and an id of at most 128
   * characters).
   */
  static final int MAX_SORT_KEY = 512;

  /**
   * The item, or empty; a key too long to have been written is not looked up (DynamoDB would refuse
   * it).
   */
  Optional<Map<String, AttributeValue>> get(String tenantId, String sk) {
    if (sk.length() > MAX_SORT_KEY) {
      return Optional.empty();
    }
    var response =
        dynamo.getItem(r -> r.tableName(table).key(key(tenantId, sk)).consistentRead(true));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(response.item())
        : Optional.empty();
  }

  /**
   * One page of the tenant's items of a kind, in key order (reversed unless {@code ascending}). The
   * cursor is the last key's sort key, base64url-encoded; one that is not of this kind is refused
   * rather than read elsewhere.
   */
  <T> Page<T> page(
      String tenantId,
      String skPrefix,
      PageRequest page,
      boolean ascending,
      Function<Map<String, AttributeValue>, T> mapper) {
    return Cursors.page(
        dynamo,
        ofKind(tenantId, skPrefix).scanIndexForward(ascending),
        Keys.tenant(tenantId),
        skPrefix,
        page,
        mapper);
  }

  /** Every item of a kind (the SDK's paginator follows LastEvaluatedKey). */
  Stream<Map<String, AttributeValue>> all(String tenantId, String skPrefix) {
    return dynamo.queryPaginator(ofKind(tenantId, skPrefix).build()).items().stream();
  }

  private QueryRequest.Builder ofKind(String tenantId, String skPrefix) {
    return QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
        .expressionAttributeValues(Map.of(":pk", s(Keys.tenant(tenantId)), ":prefix", s(skPrefix)))
        .consistentRead(true);
  }
}
