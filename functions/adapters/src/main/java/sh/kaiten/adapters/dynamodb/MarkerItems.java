package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.IdempotentReport;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.metering.UsageStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * How an idempotency key is remembered on the Usage table: one marker item per key of an instance,
 * holding the report's fingerprint and its whole first answer until {@code expires_at} (the table's
 * TTL).
 */
final class MarkerItems {
  private MarkerItems() {}

  static Map<String, AttributeValue> key(
      String tenantId, String instanceId, String idempotencyKey) {
    return Map.of(
        Keys.PK,
        s(Keys.idempotencyKey(tenantId, instanceId, idempotencyKey)),
        Keys.SK,
        s(Keys.REPORT));
  }

  /** A key's marker, put only if the key was never used or its marker expired by {@code now}. */
  static Put put(String table, IdempotentReport remember, Instant now) {
    return Put.builder()
        .tableName(table)
        .item(item(remember))
        .conditionExpression("attribute_not_exists(#pk) OR #expires < :now")
        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#expires", CounterItems.EXPIRES_AT))
        .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  /** What an idempotency key remembers: the report's fingerprint and its whole first answer. */
  static Map<String, AttributeValue> item(IdempotentReport report) {
    Map<String, AttributeValue> item =
        new HashMap<>(key(report.tenantId(), report.instanceId(), report.key()));
    item.put("tenant_id", s(report.tenantId()));
    item.put("instance_id", s(report.instanceId()));
    item.put("key", s(report.key()));
    item.put("fingerprint", s(report.fingerprint()));
    item.put(CounterItems.EXPIRES_AT, n(report.expiresAt().getEpochSecond()));
    UsageState state = report.result().state();
    item.put("entitlement", s(state.entitlement()));
    item.put("current_usage", n(state.currentUsage()));
    item.put("status", s(state.status().name()));
    item.put("aggregation", s(state.aggregation().name()));
    item.put("enforcement", s(state.enforcement().name()));
    putIfSet(item, "limit", state.limit() == null ? null : n(state.limit()));
    putIfSet(
        item, "percentage_used", state.percentageUsed() == null ? null : n(state.percentageUsed()));
    putIfSet(
        item,
        "period_start",
        state.period().start() == null ? null : s(state.period().start().toString()));
    putIfSet(
        item,
        "period_end",
        state.period().end() == null ? null : s(state.period().end().toString()));
    putIfSet(item, "unit", state.unit() == null ? null : s(state.unit()));
    putIfSet(
        item,
        "reason",
        report.result().reason() == null ? null : s(report.result().reason().name()));
    return item;
  }

  static IdempotentReport remembered(Map<String, AttributeValue> item) {
    UsageState state =
        new UsageState(
            Attributes.string(item, "entitlement"),
            Attributes.decimal(item, "limit"),
            Attributes.decimal(item, "current_usage"),
            Attributes.decimal(item, "percentage_used"),
            UsageStatus.valueOf(Attributes.string(item, "status")),
            Aggregation.valueOf(Attributes.string(item, "aggregation")),
            new Period(
                Attributes.instant(item, "period_start"), Attributes.instant(item, "period_end")),
            Enforcement.valueOf(Attributes.string(item, "enforcement")),
            Attributes.string(item, "unit"));
    String reason = Attributes.string(item, "reason");
    return new IdempotentReport(
        Attributes.string(item, "tenant_id"),
        Attributes.string(item, "instance_id"),
        Attributes.string(item, "key"),
        Attributes.string(item, "fingerprint"),
        new ReportResult(state, reason == null ? null : Reason.valueOf(reason)),
        Instant.ofEpochSecond(Long.parseLong(item.get(CounterItems.EXPIRES_AT).n())));
  }

  private static void putIfSet(
      Map<String, AttributeValue> item, String name, AttributeValue value) {
    if (value != null) {
      item.put(name, value);
    }
  }
}
