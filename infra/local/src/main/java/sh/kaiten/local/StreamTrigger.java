package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import sh.kaiten.local.aws.TableStream;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB stream event source mapping, as Lambda runs one: reads the table's stream shard by
 * shard from the oldest record kept, hands the function batches of up to {@code batchSize} records
 * in order (only those whose {@code eventName} the mapping's filter lets through), and reads on
 * after a batch that succeeded. With {@code ReportBatchItemFailures} a batch that failed from a
 * record on is read again from that record; otherwise an error reads the whole batch again. Retries
 * wait {@code retryDelay}, and go on until they succeed (the template sets no retry limit).
 */
final class StreamTrigger implements AutoCloseable {
  /**
   * How long an idle poller waits before reading the stream again (Lambda polls about 4 times a
   * second).
   */
  private static final Duration IDLE = Duration.ofMillis(250);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the template's DynamoDB event says. */
  record Mapping(
      String name,
      String streamArn,
      int batchSize,
      boolean reportsItemFailures,
      Set<String> eventNames) {}

  private final Mapping mapping;
  private final LocalFunction function;
  private final TableStream stream;
  private final Duration retryDelay;
  private final Thread poller;
  private volatile boolean running = true;

  StreamTrigger(
      Mapping mapping,
      LocalFunction function,
      DynamoDbStreamsClient streams,
      String region,
      Duration retryDelay) {
    this.mapping = mapping;
    this.function = function;
    this.stream = new TableStream(streams, mapping.streamArn(), region);
    this.retryDelay = retryDelay;
    this.poller = new Thread(this::poll, "stream-" + function.name() + "-" + mapping.name());
    poller.setDaemon(true);
  }

  void start() {
    poller.start();
  }

  private void poll() {
    while (running) {
      try {
        TableStream.Batch batch = stream.next(mapping.batchSize());
        if (batch.records().isEmpty()) {
          Thread.sleep(IDLE.toMillis());
        } else {
          deliver(batch);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (running) {
          function.note(
              "[kaiten-local] "
                  + mapping.name()
                  + ": reading the stream failed, retrying: "
                  + e.getMessage());
          sleep(retryDelay);
        }
      }
    }
  }

  private void deliver(TableStream.Batch batch) throws InterruptedException {
    List<Record> handed =
        batch.records().stream()
            .filter(
                record ->
                    mapping.eventNames().isEmpty()
                        || mapping.eventNames().contains(record.eventNameAsString()))
            .toList();
    if (handed.isEmpty()) {
      batch.done();
      return;
    }
    String failedFrom;
    try {
      function.note(
          "[kaiten-local] "
              + mapping.name()
              + ": delivering "
              + handed.size()
              + " stream records from "
              + handed.get(0).dynamodb().sequenceNumber());
      failedFrom = failedFrom(handed, function.invoke(batch.lambdaEvent(handed)).get());
    } catch (ExecutionException e) {
      function.note(
          "[kaiten-local] " + mapping.name() + ": the batch failed: " + e.getCause().getMessage());
      failedFrom = handed.get(0).dynamodb().sequenceNumber();
    }
    if (failedFrom == null) {
      batch.done();
    } else {
      batch.failedFrom(failedFrom);
      sleep(retryDelay);
    }
  }

  /**
   * The record the batch failed from, or null. As on Lambda, an answer that names a record not in
   * the batch fails the whole batch.
   */
  private String failedFrom(List<Record> batch, String answer) {
    String first = batch.get(0).dynamodb().sequenceNumber();
    if (!mapping.reportsItemFailures()
        || answer == null
        || answer.isBlank()
        || answer.equals("null")) {
      return null;
    }
    Set<String> positions =
        batch.stream()
            .map(record -> record.dynamodb().sequenceNumber())
            .collect(Collectors.toSet());
    JsonNode failures;
    try {
      failures = JSON.readTree(answer).path("batchItemFailures");
    } catch (IOException e) {
      return first;
    }
    for (Record record : batch) { // the earliest failure in stream order
      for (JsonNode failure : failures) {
        String position = failure.path("itemIdentifier").asText("");
        if (!positions.contains(position)) {
          return first;
        }
        if (position.equals(record.dynamodb().sequenceNumber())) {
          return position;
        }
      }
    }
    return null;
  }

  private void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  void stopPolling() {
    running = false;
    poller.interrupt();
  }

  @Override
  public void close() {
    stopPolling();
    try {
      poller.join(Duration.ofSeconds(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The enabled DynamoDB events of one function in the template. */
  @SuppressWarnings("unchecked")
  static List<Mapping> mappings(Map<String, Object> events, Function<Object, String> resolve) {
    List<Mapping> mappings = new ArrayList<>();
    TemplateEvents.enabled(events, "DynamoDB")
        .forEach(
            (name, properties) -> {
              List<Object> responseTypes =
                  (List<Object>) properties.getOrDefault("FunctionResponseTypes", List.of());
              mappings.add(
                  new Mapping(
                      name,
                      resolve.apply(properties.get("Stream")),
                      Integer.parseInt(String.valueOf(properties.getOrDefault("BatchSize", 100))),
                      responseTypes.contains("ReportBatchItemFailures"),
                      eventNames(properties.get("FilterCriteria"))));
            });
    return mappings;
  }

  /**
   * The event names a filter of the form {@code {"eventName": [...]}} lets through; empty lets all
   * through.
   */
  @SuppressWarnings("unchecked")
  static Set<String> eventNames(Object filterCriteria) {
    if (!(filterCriteria instanceof Map<?, ?> criteria)) {
      return Set.of();
    }
    Set<String> names = new java.util.HashSet<>();
    for (Map<String, Object> filter : (List<Map<String, Object>>) criteria.get("Filters")) {
      try {
        JsonNode pattern = JSON.readTree(String.valueOf(filter.get("Pattern")));
        pattern.path("eventName").forEach(name -> names.add(name.asText()));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "a FilterCriteria pattern is not JSON: " + filter.get("Pattern"), e);
      }
    }
    return names;
  }
}
