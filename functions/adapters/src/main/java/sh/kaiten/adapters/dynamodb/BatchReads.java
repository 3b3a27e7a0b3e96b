package sh.kaiten.adapters.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Consistent {@code BatchGetItem} reads of any number of keys over one or more tables, 100 keys a
 * request (DynamoDB's limit), the tables' keys in the order given. DynamoDB may leave keys
 * unprocessed when a table or partition is busy; they are asked again after an exponential backoff
 * with jitter (the SDK's own {@link BackoffStrategy}, as AWS advises for unprocessed keys), and a
 * read that still leaves keys after {@link #RETRIES} retries fails rather than answering without
 * them.
 */
final class BatchReads {
  static final int KEYS_PER_REQUEST = 100;

  /** How many times a request's unprocessed keys are asked again before the read fails. */
  static final int RETRIES = 8;

  /**
   * Full jitter from 50 ms, doubling, at most a second: at most about 4.5 s in all before the read
   * fails.
   */
  static final BackoffStrategy BACKOFF =
      BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(1));

  /** Waits between tries; tests give one that only notes the delays. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration delay) throws InterruptedException;
  }

  private final DynamoDbClient dynamo;
  private final BackoffStrategy backoff;
  private final Pause pause;

  BatchReads(DynamoDbClient dynamo) {
    this(dynamo, BACKOFF, delay -> Thread.sleep(delay.toMillis()));
  }

  BatchReads(DynamoDbClient dynamo, BackoffStrategy backoff, Pause pause) {
    this.dynamo = dynamo;
    this.backoff = backoff;
    this.pause = pause;
  }

  /** Every item found of one table's keys, in no particular order. */
  List<Map<String, AttributeValue>> read(String table, List<Map<String, AttributeValue>> keys) {
    return read(Map.of(table, keys)).getOrDefault(table, List.of());
  }

  /**
   * Every item found of each table's keys, by table, in no particular order; a key with no item
   * finds none.
   */
  Map<String, List<Map<String, AttributeValue>>> read(
      Map<String, List<Map<String, AttributeValue>>> keysByTable) {
    Map<String, List<Map<String, AttributeValue>>> found = new LinkedHashMap<>();
    for (Map<String, KeysAndAttributes> request : requests(keysByTable)) {
      readWhole(request, found);
    }
    return found;
  }

  /**
   * The keys in requests of at most {@link #KEYS_PER_REQUEST}, filled in the order of the tables
   * and their keys.
   */
  private static List<Map<String, KeysAndAttributes>> requests(
      Map<String, List<Map<String, AttributeValue>>> keysByTable) {
    List<Map<String, KeysAndAttributes>> requests = new ArrayList<>();
    Map<String, List<Map<String, AttributeValue>>> filling = new LinkedHashMap<>();
    int room = KEYS_PER_REQUEST;
    for (var table : keysByTable.entrySet()) {
      for (Map<String, AttributeValue> key : table.getValue()) {
        if (room == 0) {
          requests.add(consistent(filling));
          filling = new LinkedHashMap<>();
          room = KEYS_PER_REQUEST;
        }
        filling.computeIfAbsent(table.getKey(), name -> new ArrayList<>()).add(key);
        room--;
      }
    }
    if (!filling.isEmpty()) {
      requests.add(consistent(filling));
    }
    return requests;
  }

  private static Map<String, KeysAndAttributes> consistent(
      Map<String, List<Map<String, AttributeValue>>> keysByTable) {
    Map<String, KeysAndAttributes> request = new LinkedHashMap<>();
    keysByTable.forEach(
        (table, keys) ->
            request.put(
                table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build()));
    return request;
  }

  /**
   * One request, its unprocessed keys asked again after a backoff until none is left or the tries
   * run out.
   */
  private void readWhole(
      Map<String, KeysAndAttributes> request,
      Map<String, List<Map<String, AttributeValue>>> found) {
    Map<String, KeysAndAttributes> pending = request;
    // The SDK's strategies count the first try as attempt 1 (no delay), so retry n waits
    // computeDelay(n + 1).
    for (int attempt = 1; ; attempt++) {
      Map<String, KeysAndAttributes> asked = pending;
      BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(asked));
      response
          .responses()
          .forEach(
              (table, items) ->
                  found.computeIfAbsent(table, name -> new ArrayList<>()).addAll(items));
      pending = response.unprocessedKeys();
      if (pending == null || pending.isEmpty()) {
        return;
      }
      if (attempt > RETRIES) {
        throw SdkClientException.create(
            "DynamoDB left "
                + count(pending)
                + " keys unprocessed after "
                + RETRIES
                + " retries with backoff (tables "
                + pending.keySet()
                + "); the read is not answered without them");
      }
      wait(backoff.computeDelay(attempt + 1));
    }
  }

  private void wait(Duration delay) {
    try {
      pause.pause(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SdkClientException.create("interrupted while backing off a batch read", e);
    }
  }

  private static int count(Map<String, KeysAndAttributes> request) {
    return request.values().stream().mapToInt(keys -> keys.keys().size()).sum();
  }
}
