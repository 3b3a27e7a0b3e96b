package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.billing.SentLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The sent-ledger on the Usage table (its TTL on {@code expires_at} forgets entries after {@link
 * SentLedger#KEPT}). A claim is one conditional PutItem that returns the entry it found (ALL_OLD),
 * so claiming and reading are one round trip; marking sent is one conditional UpdateItem.
 */
public final class DynamoSentLedger implements SentLedger {
  private static final String CLAIMED_AT = "claimed_at";
  private static final String SENT_AT = "sent_at";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoSentLedger(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String identifier) {
    return Map.of(Keys.PK, s(Keys.meterEvent(identifier)), Keys.SK, s(Keys.LEDGER));
  }

  @Override
  public Claim claim(String identifier, Instant now) {
    Map<String, AttributeValue> key = key(identifier);
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          Keys.PK,
                          key.get(Keys.PK),
                          Keys.SK,
                          key.get(Keys.SK),
                          CLAIMED_AT,
                          instant(now),
                          CounterItems.EXPIRES_AT,
                          n(now.plus(KEPT).getEpochSecond())))
                  .conditionExpression("attribute_not_exists(#pk) OR #expires < :now")
                  .expressionAttributeNames(
                      Map.of("#pk", Keys.PK, "#expires", CounterItems.EXPIRES_AT))
                  .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new Claim.Fresh();
    } catch (ConditionalCheckFailedException claimed) {
      Map<String, AttributeValue> entry = claimed.item();
      Instant sentAt = Attributes.instant(entry, SENT_AT);
      return sentAt != null
          ? new Claim.Sent(sentAt)
          : new Claim.Pending(Attributes.instant(entry, CLAIMED_AT));
    }
  }

  @Override
  public boolean markSent(String identifier, Instant now) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(identifier))
                  .updateExpression(
                      "SET #sent = :at, #claimed = if_not_exists(#claimed, :at), #expires = :kept")
                  .conditionExpression("attribute_not_exists(#sent) OR #expires < :now")
                  .expressionAttributeNames(
                      Map.of(
                          "#sent",
                          SENT_AT,
                          "#claimed",
                          CLAIMED_AT,
                          "#expires",
                          CounterItems.EXPIRES_AT))
                  .expressionAttributeValues(
                      Map.of(
                          ":at",
                          instant(now),
                          ":kept",
                          n(now.plus(KEPT).getEpochSecond()),
                          ":now",
                          n(now.getEpochSecond()))));
      return true;
    } catch (ConditionalCheckFailedException sentAlready) {
      return false;
    }
  }
}
