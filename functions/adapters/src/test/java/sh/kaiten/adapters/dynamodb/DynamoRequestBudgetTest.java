package sh.kaiten.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tenants' request budgets on DynamoDB Local with the template's table, as slices: a write per
 * slice rather than per request, and the last slice of a window cut to what is left, so instances
 * together still admit exactly the budget (two adapters stand for two function instances). What
 * every budget does is {@link DynamoRequestBudgetContractTest}'s.
 */
class DynamoRequestBudgetTest {
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static LocalAws aws;
  private static String table;

  /**
   * Three seconds into a window of the wall clock's present. Never a pinned date: DynamoDB Local
   * deletes items whose TTL ({@code expires_at}, an hour after their window) has passed by the wall
   * clock, about once a second, so a window pinned in the past lost its count part-way through a
   * test (261 admitted of 250, whenever the deletion ran mid-test).
   */
  private final MovableClock clock =
      new MovableClock(
          Instant.ofEpochSecond(
              Math.floorDiv(Instant.now().getEpochSecond(), WINDOW.getSeconds())
                      * WINDOW.getSeconds()
                  + 3));

  @BeforeAll
  static void start() {
    aws =
        LocalAws.start(
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    table = aws.resources().ref("RequestBudgetsTable");
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  private DynamoRequestBudget instance(int defaultPerSecond) {
    return new DynamoRequestBudget(aws.dynamo(), table, clock, defaultPerSecond, WINDOW);
  }

  @Test
  void instancesClaimSlicesSoRequestsWithinASliceWriteNothing() {
    DynamoRequestBudget budget = instance(100); // 1000 per window: slices of 50

    budget.admit("ten_sliced");
    assertThat(used("ten_sliced")).isEqualTo(50);
    for (int i = 1; i < 50; i++) {
      budget.admit("ten_sliced");
    }
    assertThat(used("ten_sliced")).isEqualTo(50);
    budget.admit("ten_sliced");
    assertThat(used("ten_sliced")).isEqualTo(100);
  }

  @Test
  void everyInstanceTogetherAdmitsExactlyTheWindowsBudget() {
    DynamoRequestBudget first = instance(100);
    DynamoRequestBudget second = instance(100);
    first.setLimit("ten_exact", 25); // 250 per window: slices of 12

    int admitted = 0;
    for (int i = 0; i < 240; i++) {
      admitted += first.admit("ten_exact").isEmpty() ? 1 : 0;
    }
    // 240 taken in 20 slices; a whole slice no longer fits, so the second instance gets the last 10
    for (int i = 0; i < 20; i++) {
      admitted += second.admit("ten_exact").isEmpty() ? 1 : 0;
    }
    admitted += first.admit("ten_exact").isEmpty() ? 1 : 0;

    assertThat(admitted).isEqualTo(250);
    assertThat(used("ten_exact")).isEqualTo(250);
  }

  private long used(String tenant) {
    long window =
        Math.floorDiv(clock.now.getEpochSecond(), WINDOW.getSeconds()) * WINDOW.getSeconds();
    Map<String, AttributeValue> item =
        aws.dynamo()
            .getItem(
                r ->
                    r.tableName(table)
                        .consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS("WINDOW#" + tenant + "#" + window))))
            .item();
    return Optional.ofNullable(item.get("used")).map(v -> Long.parseLong(v.n())).orElse(0L);
  }

  private static final class MovableClock extends Clock {
    volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
