package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.access.RequestBudget;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Each tenant's request budget as fixed windows counted in DynamoDB and claimed in slices: a
 * function instance takes a slice of the tenant's window (up to a twentieth of it, at most 50
 * requests) in one conditional {@code UpdateItem}, spends it locally, and claims again only when it
 * is used up. So the budget holds across every instance of every function, at one write per slice
 * rather than per request. When the window cannot give a whole slice the instance takes what is
 * left; when nothing is left the tenant is refused until the window ends. Slices an instance did
 * not spend by the end of a window are lost, so a tenant spread over many instances may be refused
 * a little early (at most one slice per instance), never late.
 *
 * <p>Items: {@code pk = WINDOW#{tenant}#{window start, epoch seconds}} with {@code used} (expires
 * an hour after its window), and {@code pk = LIMIT#{tenant}} with {@code requests_per_second} where
 * a tenant has a budget of its own (an instance reads it at most once a minute).
 */
public final class DynamoRequestBudget implements RequestBudget {
  static final String WINDOW = "WINDOW#";
  static final String LIMIT = "LIMIT#";
  static final String PER_SECOND = "requests_per_second";
  private static final int MAX_SLICE = 50;
  private static final Duration LIMIT_CACHE = Duration.ofMinutes(1);
  private static final int CLAIM_TRIES = 3;

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final int defaultPerSecond;
  private final long windowSeconds;
  private final Map<String, Slice> slices = new ConcurrentHashMap<>();

  /**
   * @param defaultPerSecond the budget of a tenant that has none of its own, in requests per second
   * @param window how long a window is: its budget is the per-second budget times its seconds
   */
  public DynamoRequestBudget(
      DynamoDbClient dynamo, String table, Clock clock, int defaultPerSecond, Duration window) {
    if (defaultPerSecond < 1 || window.getSeconds() < 1) {
      throw new IllegalArgumentException(
          "a request budget needs at least 1 request per second and a window of 1 s or more");
    }
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.defaultPerSecond = defaultPerSecond;
    this.windowSeconds = window.getSeconds();
  }

  /** Gives a tenant a budget of its own (what an operator does with a put of the same item). */
  public void setLimit(String tenantId, int requestsPerSecond) {
    dynamo.putItem(
        r ->
            r.tableName(table)
                .item(Map.of(Keys.PK, s(LIMIT + tenantId), PER_SECOND, n(requestsPerSecond))));
  }

  @Override
  public Optional<Duration> admit(String tenantId) {
    Slice slice = slices.computeIfAbsent(tenantId, t -> new Slice());
    synchronized (slice) {
      Instant now = clock.instant();
      long window = Math.floorDiv(now.getEpochSecond(), windowSeconds) * windowSeconds;
      if (slice.window != window) {
        slice.window = window;
        slice.remaining = 0;
        slice.exhausted = false;
      }
      if (slice.remaining == 0 && !slice.exhausted) {
        slice.remaining = claim(tenantId, window, limit(tenantId, slice, now));
        slice.exhausted = slice.remaining == 0;
      }
      if (slice.exhausted) {
        Duration left = Duration.between(now, Instant.ofEpochSecond(window + windowSeconds));
        return Optional.of(left);
      }
      slice.remaining--;
      return Optional.empty();
    }
  }

  /** How many requests this instance got for the window: a slice, what was left, or 0. */
  private long claim(String tenantId, long window, long limit) {
    long size = Math.max(1, Math.min(limit / 20, MAX_SLICE));
    Map<String, AttributeValue> key = Map.of(Keys.PK, s(WINDOW + tenantId + "#" + window));
    AttributeValue expires = n(window + windowSeconds + 3600);
    for (int attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      try {
        dynamo.updateItem(
            r ->
                r.tableName(table)
                    .key(key)
                    .updateExpression("ADD #used :size SET #expires = :expires")
                    .conditionExpression("attribute_not_exists(#used) OR #used <= :most")
                    .expressionAttributeNames(Map.of("#used", "used", "#expires", "expires_at"))
                    .expressionAttributeValues(
                        Map.of(":size", n(size), ":most", n(limit - size), ":expires", expires))
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD));
        return size;
      } catch (ConditionalCheckFailedException full) {
        long used = Long.parseLong(full.item().get("used").n());
        long rest = limit - used;
        if (rest <= 0) {
          return 0;
        }
        try {
          dynamo.updateItem(
              r ->
                  r.tableName(table)
                      .key(key)
                      .updateExpression("ADD #used :rest")
                      .conditionExpression("#used = :used")
                      .expressionAttributeNames(Map.of("#used", "used"))
                      .expressionAttributeValues(Map.of(":rest", n(rest), ":used", n(used))));
          return rest;
        } catch (ConditionalCheckFailedException raced) {
          // another instance took some of the rest first: look again
        }
      }
    }
    return 0;
  }

  /** The tenant's budget for one window, its own if it has one, read at most once a minute. */
  private long limit(String tenantId, Slice slice, Instant now) {
    if (slice.limitReadAt == null || !now.isBefore(slice.limitReadAt.plus(LIMIT_CACHE))) {
      Map<String, AttributeValue> item =
          dynamo.getItem(r -> r.tableName(table).key(Map.of(Keys.PK, s(LIMIT + tenantId)))).item();
      slice.perSecond =
          item.containsKey(PER_SECOND)
              ? Long.parseLong(item.get(PER_SECOND).n())
              : defaultPerSecond;
      slice.limitReadAt = now;
    }
    return slice.perSecond * windowSeconds;
  }

  /** What this instance holds of a tenant's current window. */
  private static final class Slice {
    long window = Long.MIN_VALUE;
    long remaining;
    boolean exhausted;
    long perSecond;
    Instant limitReadAt;
  }
}
