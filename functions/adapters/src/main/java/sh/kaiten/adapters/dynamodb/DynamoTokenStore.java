package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The token port on the Tokens table, keyed by the hash of the secret (the secret is never stored).
 */
public final class DynamoTokenStore implements TokenStore {
  private final DynamoDbClient dynamo;
  private final String table;
  private final ChangeItems changes;

  public DynamoTokenStore(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
  }

  @Override
  public Optional<ApiToken> findByHash(String secretHash) {
    var response =
        dynamo.getItem(
            r ->
                r.tableName(table)
                    .key(Map.of(Keys.TOKEN_HASH, s(secretHash)))
                    .consistentRead(true));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(token(response.item()));
  }

  @Override
  public void put(String secretHash, ApiToken token, ChangeRecords records) {
    List<TransactWriteItem> writes = new ArrayList<>(List.of(newToken(secretHash, token)));
    writes.addAll(changes.of(records));
    dynamo.transactWriteItems(r -> r.transactItems(writes));
  }

  @Override
  public List<ApiToken> tokensOf(String tenantId) {
    return byTenant(tenantId).map(DynamoTokenStore::token).toList();
  }

  @Override
  public boolean delete(String tenantId, String tokenId, ChangeRecords records) {
    Optional<String> hash =
        byTenant(tenantId)
            .filter(item -> string(item, "token_id").equals(tokenId))
            .map(item -> string(item, Keys.TOKEN_HASH))
            .findFirst();
    if (hash.isEmpty()) {
      return false;
    }
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .delete(
                d ->
                    d.tableName(table)
                        .key(Map.of(Keys.TOKEN_HASH, s(hash.get())))
                        .conditionExpression("attribute_exists(#h)")
                        .expressionAttributeNames(Map.of("#h", Keys.TOKEN_HASH)))
            .build());
    writes.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      if (ChangeItems.refusedAt(e, 0)) {
        return false; // revoked by another request since the index was read
      }
      throw e;
    }
  }

  @Override
  public TokenWrites issuing(String secretHash, ApiToken token) {
    return new Writes(List.of(newToken(secretHash, token)), List.of());
  }

  /**
   * An instance holds one token (creation issues one, rotation replaces them all with one); a few
   * more only where a rotation raced the index. Up to {@link #REVOKED_IN_CHANGE} go into the
   * deletion's own transaction (DynamoDB takes 100 writes in one); any beyond are removed right
   * after it, and until then open nothing: a token of a deleted instance finds no instance, and one
   * of an instance created again under its id is older than it and refused.
   */
  @Override
  public TokenWrites revokingInstance(String tenantId, String instanceId) {
    List<TransactWriteItem> deletes =
        byTenant(tenantId)
            .filter(item -> instanceId.equals(string(item, "instance_id")))
            .map(
                item ->
                    TransactWriteItem.builder()
                        .delete(
                            d ->
                                d.tableName(table)
                                    .key(Map.of(Keys.TOKEN_HASH, item.get(Keys.TOKEN_HASH))))
                        .build())
            .toList();
    int inChange = Math.min(deletes.size(), REVOKED_IN_CHANGE);
    return new Writes(deletes.subList(0, inChange), deletes.subList(inChange, deletes.size()));
  }

  /**
   * How many token deletions an instance's deletion takes into its transaction, beside its own 4
   * writes.
   */
  static final int REVOKED_IN_CHANGE = 90;

  /**
   * Token writes for another store's transaction, and writes to make once it is stored.
   *
   * @param afterwards deletions past what one transaction holds, made one by one after it
   */
  record Writes(List<TransactWriteItem> items, List<TransactWriteItem> afterwards)
      implements TokenWrites {
    Writes {
      items = List.copyOf(items);
      afterwards = List.copyOf(afterwards);
    }

    /** The writes of {@code writes}, which a DynamoDB token store prepared. */
    static Writes of(TokenWrites writes) {
      if (writes instanceof Writes dynamo) {
        return dynamo;
      }
      throw new IllegalArgumentException(
          "token writes must come from the DynamoDB token store, not " + writes);
    }

    void finish(DynamoDbClient dynamo) {
      afterwards.forEach(
          write ->
              dynamo.deleteItem(
                  r -> r.tableName(write.delete().tableName()).key(write.delete().key())));
    }
  }

  @Override
  public void replaceInstanceTokens(
      String tenantId,
      String instanceId,
      String secretHash,
      ApiToken token,
      ChangeRecords records) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(newToken(secretHash, token));
    byTenant(tenantId)
        .filter(item -> instanceId.equals(string(item, "instance_id")))
        .forEach(
            item ->
                writes.add(
                    TransactWriteItem.builder()
                        .delete(
                            d ->
                                d.tableName(table)
                                    .key(Map.of(Keys.TOKEN_HASH, item.get(Keys.TOKEN_HASH))))
                        .build()));
    writes.addAll(changes.of(records));
    dynamo.transactWriteItems(r -> r.transactItems(writes));
  }

  private TransactWriteItem newToken(String secretHash, ApiToken token) {
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(item(secretHash, token))
                    .conditionExpression("attribute_not_exists(#h)")
                    .expressionAttributeNames(Map.of("#h", Keys.TOKEN_HASH)))
        .build();
  }

  /**
   * The tenant's token items through the by-tenant index. An index is eventually consistent: a
   * token created an instant ago may be missing for that instant.
   */
  private Stream<Map<String, AttributeValue>> byTenant(String tenantId) {
    return dynamo
        .queryPaginator(
            r ->
                r.tableName(table)
                    .indexName(Keys.TOKENS_BY_TENANT)
                    .keyConditionExpression("#tenant = :tenant")
                    .expressionAttributeNames(Map.of("#tenant", "tenant_id"))
                    .expressionAttributeValues(Map.of(":tenant", s(tenantId))))
        .items()
        .stream();
  }

  private static Map<String, AttributeValue> item(String secretHash, ApiToken token) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Keys.TOKEN_HASH, s(secretHash));
    item.put("token_id", s(token.id()));
    item.put("tenant_id", s(token.tenantId()));
    item.put("scope", s(token.scope().name()));
    if (token.instanceId() != null) {
      item.put("instance_id", s(token.instanceId()));
    }
    if (token.licenseId() != null) {
      item.put("license_id", s(token.licenseId()));
    }
    item.put("created_at", instant(token.createdAt()));
    return item;
  }

  private static ApiToken token(Map<String, AttributeValue> item) {
    return new ApiToken(
        string(item, "token_id"),
        string(item, "tenant_id"),
        TokenScope.valueOf(string(item, "scope")),
        string(item, "instance_id"),
        string(item, "license_id"),
        instant(item, "created_at"));
  }
}
