package sh.kaiten.adapters.dynamodb;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import sh.kaiten.domain.license.LifecycleTimer;
import sh.kaiten.domain.metering.CounterKey;

/**
 * The one place that knows the key layout of every table.
 *
 * <pre>
 * Catalog  pk = TENANT#{tenant}                 sk = TENANT | ENTITLEMENT#{slug} | TIER#{slug}
 *                                                    | CUSTOMER#{id} | LICENSE#{id} | INSTANCE#{id}
 *                                                    | CONNECTOR#stripe
 *          pk = TENANTS                          sk = {tenant}
 *          pk = TIMERS#{yyyy-mm-dd}             sk = {due time}#{tenant}#{license}#{moment}
 * Tokens   token_hash = sha256(secret)            index by-tenant: tenant_id, token_id
 * Sessions session_hash = sha256(session secret)  (expires_at: TTL, the session's end)
 * Usage    pk = COUNTER#{tenant}#{entitlement}#{holder}   sk = PERIOD#{period start | lifetime}[#S{shard}]
 *                                                         | CROSSING#{period}#{percent | exceeded | rejected | closed}
 *          pk = IDEMPOTENCY#{tenant}#{instance}#{key}     sk = REPORT   (expires_at: TTL, 35 days)
 *          index by-closing: closing_bucket, closes_at   (counter items of a period not yet announced closed)
 *          pk = METER_EVENT#{identifier}                   sk = LEDGER   (expires_at: TTL, 40 days)
 *          pk = CONNECTOR_STATUS#{tenant}                  sk = stripe   (billing-sync's tallies)
 *          pk = RECONCILIATION#{tenant}#{run}              sk = TALLY#{entitlement}#{customer}
 *                                                                  | LAST#{entitlement}#{customer}
 *                                                                  (expires_at: TTL, a run's working totals)
 *          pk = CLOSED_PERIOD#{tenant}                     sk = {period end}#{entitlement}#{holder}
 *                                                                  (expires_at: TTL, 100 days after the end)
 * Audit    pk = TENANT#{tenant}                 sk = RECORD#{record id} | DIGEST#{hour}#{part, 4 digits}
 *          index by-instance: audit_instance = TENANT#{tenant}#INSTANCE#{instance}, sk
 * Webhooks pk = TENANT#{tenant}                 sk = ENDPOINT#{id}
 *                                                    | DELIVERY#{endpoint}#{delivery}   (the CRM connector's endpoint: crm)
 *                                                    | CONNECTOR#crm
 * </pre>
 *
 * A delivery id starts with its event's time, so an endpoint's log reads newest first by sort key;
 * delivery items expire by TTL ({@code expires_at}), endpoints never do.
 *
 * <p>Every catalog key a request reads starts with the tenant, so no request can cross tenants;
 * only the scheduler reads the TIMERS days and the by-closing index, which span tenants by design.
 */
final class Keys {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String TOKEN_HASH = "token_hash";
  static final String SESSION_HASH = "session_hash";

  /** Tokens by tenant_id, then token_id. */
  static final String TOKENS_BY_TENANT = "by-tenant";

  /**
   * Counter items by when their period's totals become final: sparse, since only the items of a
   * period that closes and has not been announced carry its keys. Keys only: the totals are read
   * from the table, consistently.
   */
  static final String USAGE_BY_CLOSING = "by-closing";

  static final String CLOSING_BUCKET = "closing_bucket";
  static final String CLOSES_AT = "closes_at";

  /**
   * The index's partitions: every counter of a calendar period closes at the same instant and is
   * first written at its start, so one partition key would take all those writes (about 1,000 a
   * second).
   */
  static final int CLOSING_BUCKETS = 16;

  static final String TENANT_RECORD = "TENANT";

  /** The partition listing every tenant (for the jobs that run per tenant, like audit sealing). */
  static final String TENANTS = "TENANTS";

  static final String ENTITLEMENT = "ENTITLEMENT#";
  static final String TIER = "TIER#";
  static final String CUSTOMER = "CUSTOMER#";
  static final String LICENSE = "LICENSE#";
  static final String INSTANCE = "INSTANCE#";
  static final String REPORT = "REPORT";

  /** What follows a period's key on the items of its shards 1..N-1 (shard 0 is the plain item). */
  static final String SHARD = "#S";

  private static final String COUNTER = "COUNTER#";
  private static final String PERIOD = "PERIOD#";
  static final String ENDPOINT = "ENDPOINT#";
  static final String AUDIT_RECORD = "RECORD#";
  static final String AUDIT_DIGEST = "DIGEST#";

  /** Audit records by audit_instance, then sk: the trail of one instance. */
  static final String AUDIT_BY_INSTANCE = "by-instance";

  static final String AUDIT_INSTANCE = "audit_instance";

  /** The Outbox table's items: one per event, keyed by its id. */
  private static final String OUTBOX_EVENT = "EVENT#";

  private static final String OUTBOX_DELIVERY = "DELIVERY#";

  /** What one write counted, for the billing stream: keyed by its audit record's id. */
  private static final String OUTBOX_USAGE = "USAGE#";

  /** A tenant's Stripe connector, in the Catalog table beside its other records. */
  static final String STRIPE_CONNECTOR = "CONNECTOR#stripe";

  /** A tenant's Stripe activity, in the Usage table: {@link #connectorStatus}, this. */
  static final String STRIPE_STATUS = "stripe";

  /** In the Webhooks table, beside the deliveries of its pushes. */
  static final String CRM_CONNECTOR = "CONNECTOR#crm";

  /** Fixed width, so timer sort keys order by time as strings. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Keys() {}

  /** A delivery round's outbox item: one per delivery and generation. */
  static String outboxDelivery(String deliveryId, int generation) {
    return OUTBOX_DELIVERY + deliveryId + "#" + generation;
  }

  static String outboxUsage(String usageId) {
    return OUTBOX_USAGE + usageId;
  }

  static String outboxEvent(String eventId) {
    return OUTBOX_EVENT + eventId;
  }

  static String connectorStatus(String tenantId) {
    return "CONNECTOR_STATUS#" + tenantId;
  }

  static String tenant(String tenantId) {
    return "TENANT#" + tenantId;
  }

  static String auditInstance(String tenantId, String instanceId) {
    return tenant(tenantId) + "#INSTANCE#" + instanceId;
  }

  /** Whole hours, as Instant writes them (2026-11-26T05:00:00Z): they sort by time as strings. */
  static String auditDigest(Instant hour, int part) {
    return AUDIT_DIGEST + hour + "#" + String.format("%04d", part);
  }

  static String counter(CounterKey key) {
    return COUNTER + key.tenantId() + "#" + key.entitlement() + "#" + key.holder();
  }

  /**
   * The counter period a counter item belongs to, from its keys. Tenant ids and entitlement slugs
   * hold no {@code #}, so the holder is the rest of the partition key.
   */
  static CounterKey counter(String pk, String sk) {
    String[] parts = pk.substring(COUNTER.length()).split("#", 3);
    return new CounterKey(parts[0], parts[1], parts[2], periodOf(sk));
  }

  /** The period key of a counter item's sort key, without its shard suffix. */
  static String periodOf(String sk) {
    int shard = sk.indexOf(SHARD, PERIOD.length());
    return sk.substring(PERIOD.length(), shard < 0 ? sk.length() : shard);
  }

  /** The shard a counter item's sort key names: 0 for the counter's own item. */
  static int shardOf(String sk) {
    int shard = sk.indexOf(SHARD, PERIOD.length());
    return shard < 0 ? 0 : Integer.parseInt(sk.substring(shard + SHARD.length()));
  }

  /**
   * Which index partition a counter's items are filed in for their close: all of a counter's shards
   * in one.
   */
  static int closingBucket(CounterKey key) {
    return Math.floorMod(counter(key).hashCode(), CLOSING_BUCKETS);
  }

  /**
   * When a period's totals become final, as a fixed-width sort key rounded up to the millisecond,
   * so that {@code closes_at <= }{@link #closingUntil} holds only once that instant has come.
   */
  static String closesAt(Instant finalAt) {
    Instant millis = finalAt.truncatedTo(ChronoUnit.MILLIS);
    return TIME.format(millis.equals(finalAt) ? millis : millis.plusMillis(1));
  }

  /** The greatest {@link #closesAt} that is final by {@code now}. */
  static String closingUntil(Instant now) {
    return TIME.format(now);
  }

  /**
   * An idempotency key is the instance's own: two instances may use the same key for different
   * reports.
   */
  static String idempotencyKey(String tenantId, String instanceId, String key) {
    return "IDEMPOTENCY#" + tenantId + "#" + instanceId + "#" + key;
  }

  static String period(CounterKey key) {
    return PERIOD + key.period();
  }

  /**
   * A counter spread over shards keeps shard 0 on its own item and shard n beside it, {@code
   * #S{n}}.
   */
  static String period(CounterKey key, int shard) {
    return shard == 0 ? period(key) : period(key) + SHARD + shard;
  }

  /**
   * License timers are filed by the UTC day they fall due, across tenants: the scheduler reads a
   * day at once.
   */
  static String timerDay(LocalDate day) {
    return "TIMERS#" + day;
  }

  static String timerDay(Instant dueAt) {
    return timerDay(LocalDate.ofInstant(dueAt, ZoneOffset.UTC));
  }

  static String timer(LifecycleTimer timer) {
    return TIME.format(timer.dueAt())
        + "#"
        + timer.tenantId()
        + "#"
        + timer.licenseId()
        + "#"
        + timer.moment();
  }

  /** The greatest timer sort key due at or before {@code until}. */
  static String timersUntil(Instant until) {
    return TIME.format(until) + "#~";
  }

  /** The sort-key prefix of one endpoint's deliveries. */
  static String deliveries(String endpointId) {
    return "DELIVERY#" + endpointId + "#";
  }

  static String delivery(String endpointId, String deliveryId) {
    return deliveries(endpointId) + deliveryId;
  }

  /**
   * A Stripe meter event's sent-ledger entry: the identifier is a digest that already names the
   * tenant (MeterIdentifiers), so one item per identifier, each in its own partition.
   */
  static String meterEvent(String identifier) {
    return "METER_EVENT#" + identifier;
  }

  static final String LEDGER = "LEDGER";

  /** A reconciliation run's working totals: its own partition (tenant ids hold no '#'). */
  static String reconciliationRun(String tenantId, String runId) {
    return "RECONCILIATION#" + tenantId + "#" + runId;
  }

  /** An entitlement slug holds no '#', so the customer id after it is whole. */
  static String reconciliationTally(String entitlement, String customerId) {
    return "TALLY#" + entitlement + "#" + customerId;
  }

  /** A run's latest event of a customer's last meter, beside its totals. */
  static String reconciliationLast(String entitlement, String customerId) {
    return "LAST#" + entitlement + "#" + customerId;
  }

  /**
   * A tenant's closed periods, in one partition: a few writes a second at most (the period closing
   * takes 500 periods a run), read by period end.
   */
  static String closedPeriods(String tenantId) {
    return "CLOSED_PERIOD#" + tenantId;
  }

  /** Fixed-width period end first, so a tenant's closed periods sort by it. */
  static String closedPeriod(Instant periodEnd, String entitlement, String holder) {
    return TIME.format(periodEnd) + "#" + entitlement + "#" + holder;
  }

  /** The least sort key of a period ending at or after {@code from}. */
  static String closedFrom(Instant from) {
    return closesAt(from);
  }

  /** The greatest sort key of a period ending before {@code to}. */
  static String closedBefore(Instant to) {
    return TIME.format(to.truncatedTo(ChronoUnit.MILLIS).equals(to) ? to.minusMillis(1) : to)
        + "#~";
  }

  /**
   * A crossing marker sits beside its counter: same partition, one item per period and threshold.
   */
  static String crossing(CounterKey key, String alert) {
    return "CROSSING#" + key.period() + "#" + alert;
  }
}
