package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.access.ConsoleSession;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.error.ConflictException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Console sessions on the Sessions table, keyed by the hash of the session secret (never the
 * secret). DynamoDB's TTL drops a session some time after its end; until then {@link
 * sh.kaiten.domain.access.ConsoleSignIn} refuses it by its {@code expires_at}.
 */
public final class DynamoConsoleSessions implements ConsoleSessions {
  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoConsoleSessions(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void create(ConsoleSession session) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item(session))
                  .conditionExpression("attribute_not_exists(#h)")
                  .expressionAttributeNames(Map.of("#h", Keys.SESSION_HASH)));
    } catch (ConditionalCheckFailedException e) {
      throw new ConflictException(null, "a session with this id exists");
    }
  }

  @Override
  public Optional<ConsoleSession> find(String idHash) {
    var response = dynamo.getItem(r -> r.tableName(table).key(key(idHash)).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = response.item();
    return Optional.of(
        new ConsoleSession(
            idHash,
            string(item, "tenant_id"),
            string(item, "token_hash"),
            string(item, "csrf_token"),
            instant(item, "created_at"),
            instant(item, "ends_at")));
  }

  @Override
  public void delete(String idHash) {
    dynamo.deleteItem(r -> r.tableName(table).key(key(idHash)));
  }

  private static Map<String, AttributeValue> key(String idHash) {
    return Map.of(Keys.SESSION_HASH, s(idHash));
  }

  private static Map<String, AttributeValue> item(ConsoleSession session) {
    return Map.of(
        Keys.SESSION_HASH,
        s(session.idHash()),
        "tenant_id",
        s(session.tenantId()),
        "token_hash",
        s(session.tokenHash()),
        "csrf_token",
        s(session.csrfToken()),
        "created_at",
        instant(session.createdAt()),
        "ends_at",
        instant(session.expiresAt()),
        // DynamoDB's TTL reads epoch seconds.
        "expires_at",
        n(session.expiresAt().getEpochSecond()));
  }
}
