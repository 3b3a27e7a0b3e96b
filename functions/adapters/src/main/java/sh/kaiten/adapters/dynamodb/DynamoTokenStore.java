package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The token port on the Tokens table, keyed by the hash of the secret (the secret is never stored). */
public final class DynamoTokenStore implements TokenStore {
  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoTokenStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public Optional<ApiToken> findByHash(String secretHash) {
    var response = dynamo.getItem(r -> r.tableName(table).key(Map.of(Keys.TOKEN_HASH, s(secretHash))).consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = response.item();
    return Optional.of(new ApiToken(
        string(item, "token_id"),
        string(item, "tenant_id"),
        TokenScope.valueOf(string(item, "scope")),
        string(item, "instance_id"),
        instant(item, "created_at")));
  }

  @Override
  public void put(String secretHash, ApiToken token) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.TOKEN_HASH, s(secretHash));
    item.put("token_id", s(token.id()));
    item.put("tenant_id", s(token.tenantId()));
    item.put("scope", s(token.scope().name()));
    if (token.instanceId() != null) {
      item.put("instance_id", s(token.instanceId()));
    }
    item.put("created_at", instant(token.createdAt()));
    dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(#h)")
        .expressionAttributeNames(Map.of("#h", Keys.TOKEN_HASH)));
  }
}
