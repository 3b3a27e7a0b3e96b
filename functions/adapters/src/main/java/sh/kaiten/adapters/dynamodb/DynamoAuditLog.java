package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditDigest;
import sh.kaiten.domain.audit.AuditFilter;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The audit trail in its own table, written with conditional puts only ({@code
 * attribute_not_exists}), so this adapter cannot overwrite what is there; the function roles allow
 * nothing else (template.yaml). Records of one request go out in one request: a {@code PutItem}, or
 * one {@code TransactWriteItems}.
 *
 * <p>Longer than most classes here: appending, the filtered pages and the sealer's digests are the
 * three ways into one table, sharing its item layout and its page cursors.
 */
public final class DynamoAuditLog implements AuditLog {
  /** How many DynamoDB pages one API page may read looking for records that match its filter. */
  private static final int READS_PER_PAGE = 10;

  private static final String NEW = "attribute_not_exists(#pk)";
  private static final Map<String, String> PK_NAME = Map.of("#pk", Keys.PK);

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoAuditLog(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void append(List<AuditRecord> records) {
    if (records.size() == 1) {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item(records.get(0)))
                  .conditionExpression(NEW)
                  .expressionAttributeNames(PK_NAME));
      return;
    }
    dynamo.transactWriteItems(
        r ->
            r.transactItems(
                records.stream()
                    .map(
                        record ->
                            TransactWriteItem.builder()
                                .put(
                                    Put.builder()
                                        .tableName(table)
                                        .item(item(record))
                                        .conditionExpression(NEW)
                                        .expressionAttributeNames(PK_NAME)
                                        .build())
                                .build())
                    .toList()));
  }

  @Override
  public Page<AuditRecord> page(String tenantId, AuditFilter filter, PageRequest page) {
    Map<String, String> names = new HashMap<>(Map.of("#sk", Keys.SK));
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":from", s(recordKey(filter.from() == null ? Instant.EPOCH : filter.from())));
    values.put(
        ":to",
        s(recordKey(filter.to() == null ? Instant.parse("9999-12-31T23:59:59Z") : filter.to())));
    QueryRequest.Builder request = QueryRequest.builder().tableName(table).scanIndexForward(false);
    String partition;
    if (filter.instanceId() != null) {
      partition = Keys.auditInstance(tenantId, filter.instanceId());
      names.put("#p", Keys.AUDIT_INSTANCE);
      request.indexName(Keys.AUDIT_BY_INSTANCE);
    } else {
      partition = Keys.tenant(tenantId);
      names.put("#p", Keys.PK);
      request.consistentRead(true);
    }
    values.put(":p", s(partition));
    request.keyConditionExpression("#p = :p AND #sk BETWEEN :from AND :to");
    List<String> conditions = new ArrayList<>();
    if (filter.type() != null) {
      names.put("#type", "type");
      values.put(":type", s(filter.type()));
      conditions.add("#type = :type");
    }
    if (filter.entitlement() != null) {
      names.put("#entitlements", "entitlements");
      values.put(":entitlement", s(filter.entitlement()));
      conditions.add("contains(#entitlements, :entitlement)");
    }
    if (!conditions.isEmpty()) {
      request.filterExpression(String.join(" AND ", conditions));
    }
    request.expressionAttributeNames(names).expressionAttributeValues(values);

    List<AuditRecord> found = new ArrayList<>();
    Map<String, AttributeValue> start =
        page.cursor() == null
            ? null
            : startKey(
                tenantId, filter.instanceId(), Cursors.read(page.cursor(), Keys.AUDIT_RECORD));
    // Limit counts items read before the filter, so asking for what is missing never overshoots the
    // page
    for (int reads = 0; reads < READS_PER_PAGE && found.size() < page.limit(); reads++) {
      QueryResponse response =
          dynamo.query(request.exclusiveStartKey(start).limit(page.limit() - found.size()).build());
      response.items().forEach(item -> found.add(record(item)));
      start =
          response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
              ? response.lastEvaluatedKey()
              : null;
      if (start == null) {
        break;
      }
    }
    return new Page<>(found, start == null ? null : Cursors.of(start.get(Keys.SK).s()));
  }

  @Override
  public List<AuditRecord> records(String tenantId, Instant from, Instant to) {
    QueryRequest request =
        QueryRequest.builder()
            .tableName(table)
            .consistentRead(true)
            .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
            .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
            .expressionAttributeValues(
                Map.of(
                    ":pk",
                    s(Keys.tenant(tenantId)),
                    ":from",
                    s(recordKey(from)),
                    ":to",
                    s(recordKey(to))))
            .build();
    return dynamo.queryPaginator(request).items().stream().map(DynamoAuditLog::record).toList();
  }

  @Override
  public List<AuditDigest> digests(String tenantId, Instant from, Instant to) {
    QueryRequest request =
        digestQuery(tenantId, Keys.auditDigest(from, 0), Keys.auditDigest(to, 0)).build();
    return dynamo.queryPaginator(request).items().stream().map(DynamoAuditLog::digest).toList();
  }

  @Override
  public Optional<AuditDigest> digestBefore(String tenantId, Instant hour) {
    QueryResponse response =
        dynamo.query(
            digestQuery(tenantId, Keys.AUDIT_DIGEST, Keys.auditDigest(hour, 0))
                .scanIndexForward(false)
                .limit(1)
                .build());
    return response.items().stream().findFirst().map(DynamoAuditLog::digest);
  }

  @Override
  public boolean seal(AuditDigest digest) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item(digest))
                  .conditionExpression(NEW)
                  .expressionAttributeNames(PK_NAME));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Part 0 sorts before an hour's parts (which start at 1), so it bounds ranges of hours. */
  private QueryRequest.Builder digestQuery(String tenantId, String fromKey, String toKey) {
    return QueryRequest.builder()
        .tableName(table)
        .consistentRead(true)
        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
        .expressionAttributeValues(
            Map.of(":pk", s(Keys.tenant(tenantId)), ":from", s(fromKey), ":to", s(toKey)));
  }

  private static String recordKey(Instant time) {
    return Keys.AUDIT_RECORD + Ids.floor(AuditRecord.ID_PREFIX, time);
  }

  private static Map<String, AttributeValue> startKey(
      String tenantId, String instanceId, String sk) {
    Map<String, AttributeValue> key = new HashMap<>(TenantItems.key(tenantId, sk));
    if (instanceId != null) {
      key.put(Keys.AUDIT_INSTANCE, s(Keys.auditInstance(tenantId, instanceId)));
    }
    return key;
  }

  static Map<String, AttributeValue> item(AuditRecord record) {
    Map<String, AttributeValue> item =
        TenantItems.key(record.tenantId(), Keys.AUDIT_RECORD + record.id());
    item.put("id", s(record.id()));
    item.put("tenant_id", s(record.tenantId()));
    item.put("at", instant(record.at()));
    item.put("actor", s(record.actor()));
    item.put("type", s(record.type()));
    if (record.instanceId() != null) {
      item.put("instance_id", s(record.instanceId()));
      item.put(Keys.AUDIT_INSTANCE, s(Keys.auditInstance(record.tenantId(), record.instanceId())));
    }
    item.put(
        "entitlements",
        AttributeValue.fromL(record.entitlements().stream().map(Attributes::s).toList()));
    item.put("request", s(record.request()));
    item.put("result", s(record.result()));
    if (record.requestId() != null) {
      item.put("request_id", s(record.requestId()));
    }
    item.put("expires_at", n(record.expiresAt().getEpochSecond()));
    item.put("hash", s(record.hash()));
    return item;
  }

  private static AuditRecord record(Map<String, AttributeValue> item) {
    return new AuditRecord(
        string(item, "id"),
        string(item, "tenant_id"),
        instant(item, "at"),
        string(item, "actor"),
        string(item, "type"),
        string(item, "instance_id"),
        item.containsKey("entitlements")
            ? item.get("entitlements").l().stream().map(AttributeValue::s).toList()
            : List.of(),
        string(item, "request"),
        string(item, "result"),
        string(item, "request_id"),
        Instant.ofEpochSecond(Long.parseLong(item.get("expires_at").n())),
        string(item, "hash"));
  }

  private static Map<String, AttributeValue> item(AuditDigest digest) {
    Map<String, AttributeValue> item =
        TenantItems.key(digest.tenantId(), Keys.auditDigest(digest.hour(), digest.part()));
    item.put("tenant_id", s(digest.tenantId()));
    item.put("hour", instant(digest.hour()));
    item.put("part", n(digest.part()));
    item.put("parts", n(digest.parts()));
    item.put("previous_hash", s(digest.previousHash()));
    // one string of "id hash" lines: a thousand of them stay far below the item size limit
    item.put(
        "records",
        s(String.join("\n", digest.records().stream().map(r -> r.id() + " " + r.hash()).toList())));
    item.put("sealed_at", instant(digest.sealedAt()));
    item.put("expires_at", n(digest.expiresAt().getEpochSecond()));
    item.put("hash", s(digest.hash()));
    item.put("signature", s(digest.signature()));
    return item;
  }

  private static AuditDigest digest(Map<String, AttributeValue> item) {
    String lines = string(item, "records");
    List<AuditDigest.Sealed> sealed =
        lines == null || lines.isEmpty()
            ? List.of()
            : Arrays.stream(lines.split("\n"))
                .map(
                    line ->
                        new AuditDigest.Sealed(
                            line.substring(0, line.indexOf(' ')),
                            line.substring(line.indexOf(' ') + 1)))
                .toList();
    return new AuditDigest(
        string(item, "tenant_id"),
        instant(item, "hour"),
        Integer.parseInt(item.get("part").n()),
        Integer.parseInt(item.get("parts").n()),
        string(item, "previous_hash"),
        sealed,
        instant(item, "sealed_at"),
        Instant.ofEpochSecond(Long.parseLong(item.get("expires_at").n())),
        string(item, "hash"),
        string(item, "signature"));
  }
}
