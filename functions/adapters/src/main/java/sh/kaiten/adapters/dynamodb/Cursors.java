package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Page cursors: a sort key, base64url so clients treat it as opaque and URLs need no escaping. */
final class Cursors {
  private Cursors() {}

  static String of(String sortKey) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The sort key in {@code cursor}, which must be one of {@code skPrefix}'s. */
  static String read(String cursor, String skPrefix) {
    String sortKey;
    try {
      sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("cursor", "cursor is not one this API gave out");
    }
    if (!sortKey.startsWith(skPrefix)) {
      throw new InvalidInputException("cursor", "cursor belongs to another list");
    }
    return sortKey;
  }

  /**
   * One page of {@code query}, a query of partition {@code pk}: from the cursor's sort key (one of
   * {@code skPrefix}'s) on, with the cursor of the next page (null after the last).
   */
  static <T> Page<T> page(
      DynamoDbClient dynamo,
      QueryRequest.Builder query,
      String pk,
      String skPrefix,
      PageRequest page,
      Function<Map<String, AttributeValue>, T> mapper) {
    query.limit(page.limit());
    if (page.cursor() != null) {
      query.exclusiveStartKey(Map.of(Keys.PK, s(pk), Keys.SK, s(read(page.cursor(), skPrefix))));
    }
    QueryResponse response = dynamo.query(query.build());
    String next =
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? of(response.lastEvaluatedKey().get(Keys.SK).s())
            : null;
    return new Page<>(response.items().stream().map(mapper).toList(), next);
  }
}
