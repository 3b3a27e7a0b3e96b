package sh.kaiten.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

class BatchReadsTest {
  /** Doubling from 10 ms without jitter, so the waits are exact. */
  private static final BackoffStrategy DOUBLING =
      BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(10), Duration.ofSeconds(1));

  private final List<Duration> waits = new ArrayList<>();

  @Test
  void unprocessedKeysAreAskedAgainWithBackoffUntilEveryKeyIsRead() {
    // Each call processes 2 keys of what it is asked and leaves the rest unprocessed.
    Busy dynamo = new Busy(2);
    BatchReads reads = new BatchReads(dynamo, DOUBLING, waits::add);

    List<Map<String, AttributeValue>> found = reads.read("usage", keys("c", 7));

    assertThat(found)
        .extracting(item -> item.get(Keys.PK).s())
        .containsExactlyInAnyOrder("c0", "c1", "c2", "c3", "c4", "c5", "c6");
    assertThat(dynamo.asked).containsExactly(7, 5, 3, 1);
    assertThat(waits)
        .containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
    assertThat(dynamo.consistent).containsOnly(true);
  }

  @Test
  void keysStillUnprocessedAfterTheRetriesFailTheReadClearly() {
    Busy dynamo = new Busy(0);
    BatchReads reads = new BatchReads(dynamo, DOUBLING, waits::add);

    assertThatThrownBy(() -> reads.read("usage", keys("c", 3)))
        .isInstanceOf(SdkClientException.class)
        .hasMessage(
            "DynamoDB left 3 keys unprocessed after 8 retries with backoff (tables [usage]); "
                + "the read is not answered without them");
    assertThat(dynamo.asked).hasSize(1 + BatchReads.RETRIES).containsOnly(3);
    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(10),
            Duration.ofMillis(20),
            Duration.ofMillis(40),
            Duration.ofMillis(80),
            Duration.ofMillis(160),
            Duration.ofMillis(320),
            Duration.ofMillis(640),
            Duration.ofSeconds(1));
  }

  @Test
  void keysGoA100ARequestFillingTheTablesInTheirOrder() {
    Busy dynamo = new Busy(Integer.MAX_VALUE);
    BatchReads reads = new BatchReads(dynamo, DOUBLING, waits::add);
    Map<String, List<Map<String, AttributeValue>>> keys = new LinkedHashMap<>();
    keys.put("catalog", keys("i", 2));
    keys.put("usage", keys("c", 250));

    Map<String, List<Map<String, AttributeValue>>> found = reads.read(keys);

    assertThat(found.get("catalog")).hasSize(2);
    assertThat(found.get("usage")).hasSize(250);
    assertThat(dynamo.requests)
        .extracting(BatchReadsTest::sizes)
        .containsExactly(
            Map.of("catalog", 2, "usage", 98), Map.of("usage", 100), Map.of("usage", 52));
    assertThat(waits).isEmpty();
  }

  @Test
  void theDefaultBackoffIsTheSdksExponentialDelayWithJitter() {
    for (int attempt = 2; attempt <= 1 + BatchReads.RETRIES; attempt++) {
      assertThat(BatchReads.BACKOFF.computeDelay(attempt))
          .isBetween(Duration.ZERO, Duration.ofMillis(Math.min(1000, 50L << (attempt - 2))));
    }
  }

  private static Map<String, Integer> sizes(BatchGetItemRequest request) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    request.requestItems().forEach((table, keys) -> sizes.put(table, keys.keys().size()));
    return sizes;
  }

  private static List<Map<String, AttributeValue>> keys(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                Map.of(
                    Keys.PK, AttributeValue.fromS(prefix + i), Keys.SK, AttributeValue.fromS("#")))
        .toList();
  }

  /**
   * A DynamoDB that processes only so many keys a call, as a busy table does, and finds every key
   * it processes.
   */
  private static final class Busy implements DynamoDbClient {
    private final int processedPerCall;
    final List<BatchGetItemRequest> requests = new ArrayList<>();
    final List<Integer> asked = new ArrayList<>();
    final List<Boolean> consistent = new ArrayList<>();

    Busy(int processedPerCall) {
      this.processedPerCall = processedPerCall;
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
      requests.add(request);
      asked.add(
          request.requestItems().values().stream().mapToInt(keys -> keys.keys().size()).sum());
      int room = processedPerCall;
      Map<String, List<Map<String, AttributeValue>>> found = new LinkedHashMap<>();
      Map<String, KeysAndAttributes> unprocessed = new LinkedHashMap<>();
      for (var table : request.requestItems().entrySet()) {
        consistent.add(table.getValue().consistentRead());
        List<Map<String, AttributeValue>> keys = table.getValue().keys();
        int processed = Math.min(room, keys.size());
        room -= processed;
        found.put(table.getKey(), keys.subList(0, processed));
        if (processed < keys.size()) {
          unprocessed.put(
              table.getKey(),
              table.getValue().toBuilder().keys(keys.subList(processed, keys.size())).build());
        }
      }
      return BatchGetItemResponse.builder().responses(found).unprocessedKeys(unprocessed).build();
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }
}
