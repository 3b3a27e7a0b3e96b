package sh.kaiten.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * An audit record, once written, cannot be replaced through the adapter: a second put of its key
 * fails.
 */
class DynamoAuditLogTest {
  private static final Instant AT = Instant.parse("2026-12-04T10:15:30Z");
  private static LocalAws aws;
  private static DynamoAuditLog log;

  @BeforeAll
  static void start() {
    aws =
        LocalAws.start(
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    log = new DynamoAuditLog(aws.dynamo(), aws.resources().ref("AuditTable"));
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Test
  void aSecondWriteOfTheSameRecordKeyFailsAndLeavesTheFirstAsItWas() {
    String id = Ids.newId(AuditRecord.ID_PREFIX, AT);
    AuditRecord first = record("ten_single", id, "{\"status\":\"ACCEPTED\"}");
    AuditRecord forged = record("ten_single", id, "{\"status\":\"REJECTED\"}");
    log.append(List.of(first));

    assertThatThrownBy(() -> log.append(List.of(forged)))
        .isInstanceOf(ConditionalCheckFailedException.class);

    assertThat(log.records("ten_single", AT.minusSeconds(1), AT.plusSeconds(1)))
        .containsExactly(first);
  }

  @Test
  void aBatchMeetingAnExistingKeyWritesNothingAndReplacesNothing() {
    String id = Ids.newId(AuditRecord.ID_PREFIX, AT);
    AuditRecord first = record("ten_batch", id, "{\"status\":\"ACCEPTED\"}");
    log.append(List.of(first));
    AuditRecord fresh =
        record("ten_batch", Ids.newId(AuditRecord.ID_PREFIX, AT), "{\"status\":\"ACCEPTED\"}");
    AuditRecord forged = record("ten_batch", id, "{\"status\":\"REJECTED\"}");

    assertThatThrownBy(() -> log.append(List.of(fresh, forged)))
        .isInstanceOfSatisfying(
            TransactionCanceledException.class,
            e ->
                assertThat(e.cancellationReasons())
                    .extracting(reason -> reason.code())
                    .containsExactly("None", "ConditionalCheckFailed"));

    assertThat(log.records("ten_batch", AT.minusSeconds(1), AT.plusSeconds(1)))
        .containsExactly(first);
  }

  private static AuditRecord record(String tenant, String id, String result) {
    AuditRecord unhashed =
        new AuditRecord(
            id,
            tenant,
            AT,
            "tok_test",
            "usage.reported",
            "acme-prod",
            List.of("api-calls"),
            "{}",
            result,
            "req-1",
            AT.plusSeconds(86_400),
            null);
    return new AuditRecord(
        id,
        tenant,
        AT,
        "tok_test",
        "usage.reported",
        "acme-prod",
        List.of("api-calls"),
        "{}",
        result,
        "req-1",
        AT.plusSeconds(86_400),
        unhashed.computedHash());
  }
}
