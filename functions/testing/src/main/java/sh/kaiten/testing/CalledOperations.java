package sh.kaiten.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Records, as IAM actions on the template's resources, every AWS request the function under test
 * makes in this module's tests, and keeps them in {@code target/aws-operations.json} for the IAM
 * check (infra/local's IamGrantsTest), which compares them with what template.yaml grants the
 * function.
 *
 * <p>An SDK interceptor, picked up as a bean by the function's AWS clients (never part of a
 * function's artifact: the functions take this module in test scope). Requests the tests make
 * themselves through the function's beans, to set up data or look behind the API, are not the
 * function's: a request counts when the function's own code is on its stack, or when no test code
 * is (an HTTP request served on the function's threads); they are kept apart in the record ({@code
 * tests_own}). Locally every table, queue and secret is named by its logical id, so the names
 * recorded are the template's.
 */
@Singleton
public class CalledOperations implements ExecutionInterceptor {
  /** Where a module's test run leaves what its function called. */
  public static final Path FILE = Path.of("target", "aws-operations.json");

  private static final Path MAIN_CLASSES = Path.of("target", "classes").toAbsolutePath();
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Path TEST_CLASSES = Path.of("target", "test-classes").toAbsolutePath();
  private static final String TEST_SUPPORT = CalledOperations.class.getPackageName();
  private static final Map<String, Origin> ORIGINS = new ConcurrentHashMap<>();
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
  private static final StackWalker STACK = StackWalker.getInstance();

  /**
   * Quarkus loads this class anew for each application a test run starts, so the record lives in
   * the file, merged under one lock for the whole JVM: a string literal is the same object in every
   * loader.
   */
  private static final Object LOCK = "sh.kaiten.testing.CalledOperations";

  /** This JVM: a record of an earlier run is dropped, not merged. */
  private static final String RUN =
      ProcessHandle.current().pid()
          + "@"
          + ProcessHandle.current().info().startInstant().map(Object::toString).orElse("");

  private enum Origin {
    FUNCTION,
    TEST,
    OTHER
  }

  public CalledOperations() {
    merge("functions", null, List.of()); // a fresh record per test run, even one that calls nothing
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String function = System.getProperty(LocalAwsResource.FUNCTION_UNDER_TEST);
    if (function == null) {
      return;
    }
    String service =
        attributes
            .getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            .replace(" ", "")
            .toLowerCase(Locale.ROOT);
    List<String> called =
        iamActions(
            service,
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
            context.request());
    // What the tests call themselves is kept apart, to show what the check leaves out.
    String kind = byTheFunction() ? "functions" : "tests_own";
    List<String> unseen =
        called.stream().filter(call -> SEEN.add(kind + " " + function + " " + call)).toList();
    if (!unseen.isEmpty()) {
      merge(kind, function, unseen);
    }
  }

  /**
   * The IAM actions one request needs, each as {@code "service:Action Resource"} with the
   * resource's logical id ({@code Table/index/Name} for a query of an index, {@code *} when the
   * request names none). Transactions and batches are authorised per table, transactions per kind
   * of item.
   */
  static List<String> iamActions(String service, String operation, SdkRequest request) {
    List<String> actions = new ArrayList<>();
    if (request instanceof TransactWriteItemsRequest transaction) {
      for (TransactWriteItem item : transaction.transactItems()) {
        if (item.put() != null) {
          actions.add("dynamodb:PutItem " + item.put().tableName());
        } else if (item.update() != null) {
          actions.add("dynamodb:UpdateItem " + item.update().tableName());
        } else if (item.delete() != null) {
          actions.add("dynamodb:DeleteItem " + item.delete().tableName());
        } else if (item.conditionCheck() != null) {
          actions.add("dynamodb:ConditionCheckItem " + item.conditionCheck().tableName());
        }
      }
    } else if (request instanceof TransactGetItemsRequest transaction) {
      transaction
          .transactItems()
          .forEach(item -> actions.add("dynamodb:GetItem " + item.get().tableName()));
    } else if (request instanceof BatchGetItemRequest batch) {
      batch.requestItems().keySet().forEach(table -> actions.add("dynamodb:BatchGetItem " + table));
    } else if (request instanceof BatchWriteItemRequest batch) {
      batch
          .requestItems()
          .keySet()
          .forEach(table -> actions.add("dynamodb:BatchWriteItem " + table));
    } else {
      actions.add(service + ":" + iamAction(service, operation) + " " + resource(service, request));
    }
    return actions;
  }

  /** SQS authorises its batch calls as the single ones. */
  private static String iamAction(String service, String operation) {
    return service.equals("sqs") && operation.endsWith("Batch")
        ? operation.substring(0, operation.length() - "Batch".length())
        : operation;
  }

  private static String resource(String service, SdkRequest request) {
    return switch (service) {
      case "dynamodb" ->
          request
              .getValueForField("TableName", String.class)
              .map(
                  table ->
                      request
                          .getValueForField("IndexName", String.class)
                          .map(index -> table + "/index/" + index)
                          .orElse(table))
              .orElse("*");
      case "sqs" ->
          request
              .getValueForField("QueueUrl", String.class)
              .map(url -> url.substring(url.lastIndexOf('/') + 1))
              .or(() -> request.getValueForField("QueueName", String.class))
              .orElse("*");
      case "secretsmanager" ->
          request
              .getValueForField("SecretId", String.class)
              .or(() -> request.getValueForField("Name", String.class)) // CreateSecret
              .map(
                  id ->
                      id.contains(":secret:")
                          ? id.substring(id.indexOf(":secret:") + ":secret:".length())
                          : id)
              .orElse("*");
      default -> "*";
    };
  }

  /** True when the request is the function's, not one a test makes through the function's beans. */
  private static boolean byTheFunction() {
    Set<Origin> origins =
        STACK.walk(
            frames ->
                frames
                    .filter(frame -> !frame.getClassName().equals(CalledOperations.class.getName()))
                    .map(
                        frame ->
                            ORIGINS.computeIfAbsent(frame.getClassName(), CalledOperations::origin))
                    .collect(
                        java.util.stream.Collectors.toCollection(
                            () -> java.util.EnumSet.noneOf(Origin.class))));
    return origins.contains(Origin.FUNCTION) || !origins.contains(Origin.TEST);
  }

  private static Origin origin(String className) {
    String file = className.replace('.', '/') + ".class";
    if (Files.exists(MAIN_CLASSES.resolve(file))) {
      return Origin.FUNCTION;
    }
    if (Files.exists(TEST_CLASSES.resolve(file)) || className.startsWith(TEST_SUPPORT + ".")) {
      return Origin.TEST;
    }
    return Origin.OTHER;
  }

  /**
   * Adds {@code called} to the record of this run. {@code complete} is false when surefire ran a
   * selection of the tests ({@code -Dtest=...}): then what is missing from the record may just not
   * have been tested.
   */
  @SuppressWarnings("unchecked")
  private static void merge(String kind, String function, List<String> called) {
    synchronized (LOCK) {
      Map<String, Object> record = new LinkedHashMap<>();
      try {
        if (Files.isRegularFile(FILE)) {
          Map<String, Object> earlier = JSON.readValue(FILE.toFile(), Map.class);
          if (RUN.equals(earlier.get("run"))) {
            record = earlier;
          }
        }
        record.put("run", RUN);
        String selection = System.getProperty("test");
        record.put("complete", selection == null || selection.isBlank());
        for (String section : List.of("functions", "tests_own")) {
          Map<String, Set<String>> calls = new TreeMap<>();
          ((Map<String, List<String>>) record.getOrDefault(section, Map.of()))
              .forEach((f, c) -> calls.put(f, new TreeSet<>(c)));
          if (section.equals(kind) && function != null) {
            calls.computeIfAbsent(function, f -> new TreeSet<>()).addAll(called);
          }
          record.put(section, calls);
        }
        Files.createDirectories(FILE.toAbsolutePath().getParent());
        Path next =
            Files.createTempFile(FILE.toAbsolutePath().getParent(), "aws-operations", ".json");
        JSON.writeValue(next.toFile(), record);
        Files.move(next, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot record in " + FILE.toAbsolutePath(), e);
      }
    }
  }
}
