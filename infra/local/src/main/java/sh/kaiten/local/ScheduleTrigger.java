package sh.kaiten.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Schedule event of the template, as an EventBridge rule runs it: the function gets a "Scheduled
 * Event" at the rule's rate, the first one rate after start. Cron expressions are not evaluated
 * here; those schedules fire on demand only. Any schedule can be fired on demand ({@code POST
 * /_local/schedules/{function}/{event}} on the front door), so tests need not wait.
 */
final class ScheduleTrigger implements AutoCloseable {
  private static final Pattern RATE =
      Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the template's Schedule event says; {@code rate} is empty for a cron expression. */
  record Mapping(String name, String expression, Optional<Duration> rate, Optional<String> input) {}

  private final Mapping mapping;
  private final LocalFunction function;
  private final String ruleArn;
  private ScheduledFuture<?> timer;

  ScheduleTrigger(Mapping mapping, LocalFunction function, String region, String account) {
    this.mapping = mapping;
    this.function = function;
    this.ruleArn =
        "arn:aws:events:"
            + region
            + ":"
            + account
            + ":rule/"
            + function.name()
            + "-"
            + mapping.name();
  }

  /** {@code function/event}, the name it is fired by on demand. */
  String key() {
    return function.name() + "/" + mapping.name();
  }

  LocalFunction function() {
    return function;
  }

  void start(ScheduledExecutorService clock) {
    mapping
        .rate()
        .ifPresentOrElse(
            rate ->
                timer =
                    clock.scheduleAtFixedRate(
                        this::fireOnSchedule,
                        rate.toMillis(),
                        rate.toMillis(),
                        TimeUnit.MILLISECONDS),
            () ->
                function.note(
                    "[kaiten-local] "
                        + mapping.name()
                        + ": "
                        + mapping.expression()
                        + " is not evaluated locally; fire it with POST /_local/schedules/"
                        + key()));
  }

  /** Hands the function one scheduled event now; completes with its answer. */
  CompletableFuture<String> fire() {
    function.note("[kaiten-local] " + mapping.name() + ": firing " + mapping.expression());
    return function.invoke(event(Instant.now()));
  }

  private void fireOnSchedule() {
    fire()
        .whenComplete(
            (answer, error) -> {
              if (error != null) {
                function.note(
                    "[kaiten-local] "
                        + mapping.name()
                        + ": the scheduled invocation failed: "
                        + error.getMessage());
              }
            });
  }

  /** The event EventBridge sends, or the template's constant {@code Input} instead. */
  private String event(Instant now) {
    if (mapping.input().isPresent()) {
      return mapping.input().get();
    }
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", "Scheduled Event");
    event.put("source", "aws.events");
    event.put("account", ruleArn.split(":")[4]);
    event.put("time", now.truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", ruleArn.split(":")[3]);
    event.putArray("resources").add(ruleArn);
    event.putObject("detail");
    return event.toString();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** The enabled Schedule events of one function in the template. */
  static List<Mapping> mappings(Map<String, Object> events, Function<Object, String> resolve) {
    List<Mapping> mappings = new ArrayList<>();
    TemplateEvents.enabled(events, "Schedule")
        .forEach(
            (name, properties) -> {
              String expression = resolve.apply(properties.get("Schedule"));
              Optional<String> input = Optional.ofNullable(properties.get("Input")).map(resolve);
              mappings.add(new Mapping(name, expression, rate(expression), input));
            });
    return mappings;
  }

  static Optional<Duration> rate(String expression) {
    Matcher rate = RATE.matcher(expression.trim());
    if (!rate.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(rate.group(1));
    return Optional.of(
        switch (rate.group(2)) {
          case "minute", "minutes" -> Duration.ofMinutes(amount);
          case "hour", "hours" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        });
  }
}
