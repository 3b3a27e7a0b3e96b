package sh.kaiten.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.CounterUpdate;
import sh.kaiten.domain.metering.Lease;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.QuotaLeases;
import sh.kaiten.domain.metering.QuotaLeasesContract;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.local.aws.CloudFormationTemplate;
import sh.kaiten.local.aws.LocalAws;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB leases keep the port's contract, on DynamoDB Local with the template's Usage table.
 */
class DynamoQuotaLeasesContractTest extends QuotaLeasesContract {
  private static final SettableClock CLOCK = new SettableClock(NOW);
  private static LocalAws aws;
  private static DynamoUsageCounters counters;
  private static DynamoQuotaLeases leases;
  private static DynamoAuditLog audit;

  @BeforeAll
  static void start() {
    aws =
        LocalAws.start(
            CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of(""))), null);
    aws.stopExpiringItems(); // the suite's clock is its own, in the past
    ChangeItems changes = new ChangeItems(null, aws.resources().ref("AuditTable"));
    counters =
        new DynamoUsageCounters(aws.dynamo(), aws.resources().ref("UsageTable"), changes, CLOCK);
    leases = new DynamoQuotaLeases(aws.dynamo(), aws.resources().ref("UsageTable"), changes);
    audit = new DynamoAuditLog(aws.dynamo(), aws.resources().ref("AuditTable"));
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Override
  protected SettableClock clock() {
    return CLOCK;
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected QuotaLeases leases() {
    return leases;
  }

  @Override
  protected List<String> recorded(String tenantId) {
    return audit.records(tenantId, Instant.EPOCH, Instant.now().plus(Duration.ofDays(1))).stream()
        .map(AuditRecord::id)
        .toList();
  }

  @Test
  void aCounterWrittenBeforeLeasesExistedIsHeldToItsUsageByReportsAndGrants() {
    clock().set(NOW);
    Metering sum =
        new Metering(Aggregation.SUM, null, null, null, Enforcement.HARD, null, null, null);
    CounterKey key = counter("legacy");
    // What an older deployment wrote: total and reports, no held.
    aws.dynamo()
        .putItem(
            r ->
                r.tableName(aws.resources().ref("UsageTable"))
                    .item(
                        Map.of(
                            Keys.PK,
                            AttributeValue.fromS(Keys.counter(key)),
                            Keys.SK,
                            AttributeValue.fromS(Keys.period(key, 0)),
                            CounterItems.TOTAL,
                            AttributeValue.fromN("90"),
                            CounterItems.REPORTS,
                            AttributeValue.fromN("3"))));
    PeriodClose close =
        PeriodClose.of(
            new Period(
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")),
            Duration.ofHours(24),
            BigDecimal.valueOf(100));

    assertThat(counters.add(key, sum, close, BigDecimal.valueOf(11), NOW, BigDecimal.valueOf(100)))
        .isInstanceOf(CounterUpdate.Refused.class);
    assertThat(counters.add(key, sum, close, BigDecimal.valueOf(4), NOW, BigDecimal.valueOf(100)))
        .isInstanceOf(CounterUpdate.Counted.class);
    var seen = leases.read(key, sum);
    assertThat(seen.heldStored()).isTrue();
    assertThat(seen.held()).isEqualByComparingTo("94");
    leases.grant(
        key,
        sum,
        seen,
        new Lease(
            "lse_l",
            "acme-prod",
            BigDecimal.valueOf(6),
            BigDecimal.valueOf(6),
            NOW.plusSeconds(60)),
        BigDecimal.valueOf(100),
        100,
        NOW,
        ChangeRecords.NONE);
    assertThat(counters.add(key, sum, close, BigDecimal.ONE, NOW, BigDecimal.valueOf(100)))
        .isInstanceOf(CounterUpdate.Refused.class);
  }
}
