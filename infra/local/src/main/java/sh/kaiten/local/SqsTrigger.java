package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping, as Lambda runs one: long-polls the queue, hands the function batches
 * of up to {@code batchSize} messages (waiting up to the batching window to fill one), deletes what
 * succeeded, and leaves what failed for the queue to redeliver after its visibility timeout, and to
 * move to its dead-letter queue after {@code maxReceiveCount}. With {@code ReportBatchItemFailures}
 * only the messages the function names failed; otherwise an error fails the whole batch.
 */
final class SqsTrigger implements AutoCloseable {
  /** One receive returns at most 10 messages; SQS's own limit. */
  private static final int RECEIVE_MAX = 10;

  /**
   * Shorter than Lambda's 20 s: ElasticMQ, when it stops, waits for every receive in flight, so
   * this bounds how long stopping kaiten-local takes. A message still arrives the moment it is
   * sent.
   */
  private static final int LONG_POLL_SECONDS = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the template's SQS event says. */
  record Mapping(
      String name,
      String queueArn,
      int batchSize,
      Duration batchingWindow,
      boolean reportsItemFailures) {}

  private final Mapping mapping;
  private final LocalFunction function;
  private final SqsClient sqs;
  private final String queueUrl;
  private final Optional<Duration> retryDelay;
  private final Thread poller;
  private volatile boolean running = true;

  /**
   * @param retryDelay when set, a failed message is visible again after this long instead of the
   *     queue's visibility timeout: for tests and impatient users, never on Lambda
   */
  SqsTrigger(
      Mapping mapping, LocalFunction function, SqsClient sqs, Optional<Duration> retryDelay) {
    this.mapping = mapping;
    this.function = function;
    this.sqs = sqs;
    this.retryDelay = retryDelay;
    String queueName = mapping.queueArn().substring(mapping.queueArn().lastIndexOf(':') + 1);
    this.queueUrl = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
    this.poller = new Thread(this::poll, "sqs-" + function.name() + "-" + mapping.name());
    poller.setDaemon(true);
  }

  void start() {
    poller.start();
  }

  private void poll() {
    while (running) {
      try {
        List<Message> batch = receiveBatch();
        if (!batch.isEmpty()) {
          deliver(batch);
        }
      } catch (RuntimeException e) {
        if (running) {
          function.note(
              "[kaiten-local] " + mapping.name() + ": polling failed, retrying: " + e.getMessage());
        }
      }
    }
  }

  private List<Message> receiveBatch() {
    List<Message> batch =
        new ArrayList<>(receive(LONG_POLL_SECONDS, Math.min(RECEIVE_MAX, mapping.batchSize())));
    long windowEnds = System.nanoTime() + mapping.batchingWindow().toNanos();
    while (!batch.isEmpty()
        && batch.size() < mapping.batchSize()
        && System.nanoTime() < windowEnds) {
      int waitSeconds =
          (int) Math.max(1, Duration.ofNanos(windowEnds - System.nanoTime()).toSeconds());
      List<Message> more =
          receive(waitSeconds, Math.min(RECEIVE_MAX, mapping.batchSize() - batch.size()));
      if (more.isEmpty()) {
        break;
      }
      batch.addAll(more);
    }
    return batch;
  }

  private List<Message> receive(int waitSeconds, int max) {
    return sqs.receiveMessage(
            r ->
                r.queueUrl(queueUrl)
                    .maxNumberOfMessages(max)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"))
        .messages();
  }

  private void deliver(List<Message> batch) {
    for (Message message : batch) {
      function.note(
          "[kaiten-local] "
              + mapping.name()
              + ": delivering message "
              + message.messageId()
              + " (receive "
              + message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
              + ")");
    }
    Set<String> failed;
    try {
      failed = failedMessageIds(batch, function.invoke(event(batch)).get());
    } catch (ExecutionException e) {
      function.note(
          "[kaiten-local] " + mapping.name() + ": the batch failed: " + e.getCause().getMessage());
      failed = batch.stream().map(Message::messageId).collect(Collectors.toSet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    List<Message> done = new ArrayList<>();
    for (Message message : batch) {
      if (failed.contains(message.messageId())) {
        retryDelay.ifPresent(
            delay ->
                sqs.changeMessageVisibility(
                    r ->
                        r.queueUrl(queueUrl)
                            .receiptHandle(message.receiptHandle())
                            .visibilityTimeout((int) delay.toSeconds())));
      } else {
        done.add(message);
      }
    }
    if (!done.isEmpty()) {
      sqs.deleteMessageBatch(
          r ->
              r.queueUrl(queueUrl)
                  .entries(
                      done.stream()
                          .map(
                              m ->
                                  DeleteMessageBatchRequestEntry.builder()
                                      .id(m.messageId())
                                      .receiptHandle(m.receiptHandle())
                                      .build())
                          .toList()));
    }
  }

  /**
   * The messages the function's answer names as failed. As on Lambda, an answer that names a
   * message not in the batch, or names none properly, fails the whole batch.
   */
  private Set<String> failedMessageIds(List<Message> batch, String answer) {
    Set<String> all = batch.stream().map(Message::messageId).collect(Collectors.toSet());
    if (!mapping.reportsItemFailures()
        || answer == null
        || answer.isBlank()
        || answer.equals("null")) {
      return Set.of();
    }
    JsonNode failures;
    try {
      failures = JSON.readTree(answer).path("batchItemFailures");
    } catch (IOException e) {
      return all;
    }
    Set<String> failed = new HashSet<>();
    for (JsonNode failure : failures) {
      String id = failure.path("itemIdentifier").asText("");
      if (!all.contains(id)) {
        return all;
      }
      failed.add(id);
    }
    return failed;
  }

  /** The event Lambda's SQS poller builds. */
  private String event(List<Message> batch) {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode records = event.putArray("Records");
    for (Message message : batch) {
      ObjectNode record = records.addObject();
      record.put("messageId", message.messageId());
      record.put("receiptHandle", message.receiptHandle());
      record.put("body", message.body());
      ObjectNode attributes = record.putObject("attributes");
      message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
      ObjectNode messageAttributes = record.putObject("messageAttributes");
      message
          .messageAttributes()
          .forEach(
              (name, value) -> {
                ObjectNode attribute = messageAttributes.putObject(name);
                attribute.put("stringValue", value.stringValue());
                attribute.put("dataType", value.dataType());
              });
      record.put("md5OfBody", message.md5OfBody());
      record.put("eventSource", "aws:sqs");
      record.put("eventSourceARN", mapping.queueArn());
      record.put("awsRegion", mapping.queueArn().split(":")[3]);
    }
    return event.toString();
  }

  /** Tells the poller to stop, without waiting for it. */
  void stopPolling() {
    running = false;
    poller.interrupt();
  }

  /**
   * Stops polling and waits for the poller's last receive to end (at most one receive's wait), so
   * ElasticMQ is not left holding its stop for it.
   */
  @Override
  public void close() {
    stopPolling();
    try {
      poller.join(Duration.ofSeconds(LONG_POLL_SECONDS + 1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The enabled SQS events of one function in the template. */
  @SuppressWarnings("unchecked")
  static List<Mapping> mappings(Map<String, Object> events, Function<Object, String> resolve) {
    List<Mapping> mappings = new ArrayList<>();
    TemplateEvents.enabled(events, "SQS")
        .forEach(
            (name, properties) -> {
              List<Object> responseTypes =
                  (List<Object>) properties.getOrDefault("FunctionResponseTypes", List.of());
              mappings.add(
                  new Mapping(
                      name,
                      resolve.apply(properties.get("Queue")),
                      Integer.parseInt(String.valueOf(properties.getOrDefault("BatchSize", 10))),
                      Duration.ofSeconds(
                          Long.parseLong(
                              String.valueOf(
                                  properties.getOrDefault("MaximumBatchingWindowInSeconds", 0)))),
                      responseTypes.contains("ReportBatchItemFailures")));
            });
    return mappings;
  }
}
