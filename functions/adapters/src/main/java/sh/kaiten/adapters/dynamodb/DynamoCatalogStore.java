package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.catalog.CatalogStore;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Page;
import sh.kaiten.domain.catalog.PageRequest;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import sh.kaiten.domain.outbox.ChangeRecords;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The catalog port on the Catalog table: one item per record, keyed by tenant.
 *
 * <p>References stay whole through counts kept on the referenced item, moved in the same
 * transaction as the reference: a tier and a customer count their licenses ({@code license_count}),
 * a license its instances ({@code instance_count}). Creating a reference requires the referenced
 * item to exist; deleting one requires its count to be zero. No scan is needed for either.
 */
public final class DynamoCatalogStore implements CatalogStore {
  private static final String LICENSE_COUNT = "license_count";
  private static final String INSTANCE_COUNT = "instance_count";
  private static final String UPDATED_AT = "updated_at";

  private final DynamoDbClient dynamo;
  private final String table;
  private final TenantItems items;
  private final ChangeItems changes;

  /** @param changes how a change's events and audit records join its transaction */
  public DynamoCatalogStore(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.items = new TenantItems(dynamo, table);
    this.changes = changes;
  }

  @Override
  public void createTenant(Tenant tenant, TokenWrites adminToken, ChangeRecords records) {
    Map<String, AttributeValue> fields = new HashMap<>();
    fields.put("id", s(tenant.id()));
    fields.put("name", s(tenant.name()));
    fields.put("created_at", instant(tenant.createdAt()));
    Map<String, AttributeValue> record = new HashMap<>(TenantItems.key(tenant.id(), Keys.TENANT_RECORD));
    record.putAll(fields);
    Map<String, AttributeValue> listed = new HashMap<>(Map.of(Keys.PK, s(Keys.TENANTS), Keys.SK, s(tenant.id())));
    listed.putAll(fields);
    transact(withTokens(List.of(
        TransactWriteItem.builder().put(p -> p.tableName(table).item(record)
            .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))).build(),
        TransactWriteItem.builder().put(p -> p.tableName(table).item(listed)).build()), adminToken), records,
        List.of(() -> new ConflictException(null, "tenant '" + tenant.id() + "' already exists"), NO_REFUSAL,
            TOKEN_TAKEN));
  }

  /** A write with no condition of its own: it fails only with the transaction's others. */
  private static final Supplier<RuntimeException> NO_REFUSAL = () -> new IllegalStateException("no condition to fail");
  /** A new token whose secret's hash is taken: a collision of 256-bit random secrets, so never in practice. */
  private static final Supplier<RuntimeException> TOKEN_TAKEN =
      () -> new IllegalStateException("a token with the same secret exists; nothing was stored");

  /** {@code writes}, then the token writes that join their transaction. */
  private static List<TransactWriteItem> withTokens(List<TransactWriteItem> writes, TokenWrites tokens) {
    List<TransactWriteItem> all = new ArrayList<>(writes);
    all.addAll(DynamoTokenStore.Writes.of(tokens).items());
    return all;
  }

  @Override
  public Page<Tenant> tenants(PageRequest page) {
    QueryRequest.Builder request = QueryRequest.builder().tableName(table)
        .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", Keys.PK))
        .expressionAttributeValues(Map.of(":pk", s(Keys.TENANTS))).limit(page.limit()).consistentRead(true);
    if (page.cursor() != null) {
      request.exclusiveStartKey(Map.of(Keys.PK, s(Keys.TENANTS), Keys.SK, s(Cursors.read(page.cursor(), ""))));
    }
    QueryResponse response = dynamo.query(request.build());
    String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
        ? Cursors.of(response.lastEvaluatedKey().get(Keys.SK).s()) : null;
    return new Page<>(response.items().stream()
        .map(item -> new Tenant(string(item, "id"), string(item, "name"), instant(item, "created_at"))).toList(), next);
  }

  @Override
  public void createEntitlement(String tenantId, Entitlement entitlement, ChangeRecords records) {
    create(item(tenantId, Keys.ENTITLEMENT + entitlement.slug(), fields(entitlement)),
        "entitlement '" + entitlement.slug() + "' already exists", "slug", records);
  }

  @Override
  public void updateEntitlement(String tenantId, Entitlement entitlement, Instant expectedUpdatedAt,
      ChangeRecords records) {
    update(tenantId, Keys.ENTITLEMENT + entitlement.slug(), fields(entitlement), expectedUpdatedAt,
        "entitlement", entitlement.slug(), records);
  }

  @Override
  public void deleteEntitlement(String tenantId, String slug, ChangeRecords records) {
    delete(tenantId, Keys.ENTITLEMENT + slug, null, "entitlement", slug, null, records);
  }

  private static Map<String, AttributeValue> fields(Entitlement entitlement) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("slug", s(entitlement.slug()));
    fields.put("name", s(entitlement.name()));
    fields.put("type", s(entitlement.type().name()));
    Metering metering = entitlement.metering();
    if (metering != null) {
      fields.put("aggregation", s(metering.aggregation().name()));
      fields.put("reset", s(metering.reset().name()));
      fields.put("reset_anchor", s(metering.resetAnchor().name()));
      fields.put("scope", s(metering.scope().name()));
      fields.put("enforcement", s(metering.enforcement().name()));
      fields.put("thresholds", AttributeValue.fromL(metering.thresholds().stream().map(t -> n(t)).toList()));
      fields.put("overage_percent", metering.overagePercent() == null ? null : n(metering.overagePercent()));
      fields.put("unit", metering.unit() == null ? null : s(metering.unit()));
      fields.put("shards", n(metering.shards()));
    }
    fields.put("config_schema", entitlement.configSchema() == null ? null : Attributes.json(entitlement.configSchema()));
    fields.put("created_at", instant(entitlement.createdAt()));
    fields.put(UPDATED_AT, instant(entitlement.updatedAt()));
    return fields;
  }

  @Override
  public Optional<Entitlement> findEntitlement(String tenantId, String slug) {
    return items.get(tenantId, Keys.ENTITLEMENT + slug).map(DynamoCatalogStore::entitlement);
  }

  @Override
  public List<Entitlement> listEntitlements(String tenantId) {
    return items.all(tenantId, Keys.ENTITLEMENT).map(DynamoCatalogStore::entitlement).toList();
  }

  private static Entitlement entitlement(Map<String, AttributeValue> item) {
    EntitlementType type = EntitlementType.valueOf(string(item, "type"));
    Metering metering = type != EntitlementType.NUMERIC ? null : new Metering(
        Aggregation.valueOf(string(item, "aggregation")),
        Reset.valueOf(string(item, "reset")),
        ResetAnchor.valueOf(string(item, "reset_anchor")),
        MeterScope.valueOf(string(item, "scope")),
        Enforcement.valueOf(string(item, "enforcement")),
        Attributes.decimal(item, "overage_percent"),
        Attributes.integers(item, "thresholds"),
        string(item, "unit"),
        item.containsKey("shards") ? Attributes.decimal(item, "shards").intValueExact() : 1);
    return new Entitlement(string(item, "slug"), string(item, "name"), type, metering,
        Attributes.json(item, "config_schema"), instant(item, "created_at"), updatedAt(item));
  }

  @Override
  public void createTier(String tenantId, Tier tier, ChangeRecords records) {
    create(item(tenantId, Keys.TIER + tier.slug(), fields(tier)), "tier '" + tier.slug() + "' already exists", "slug",
        records);
  }

  @Override
  public void updateTier(String tenantId, Tier tier, Instant expectedUpdatedAt, ChangeRecords records) {
    update(tenantId, Keys.TIER + tier.slug(), fields(tier), expectedUpdatedAt, "tier", tier.slug(), records);
  }

  @Override
  public void deleteTier(String tenantId, String slug, ChangeRecords records) {
    delete(tenantId, Keys.TIER + slug, LICENSE_COUNT, "tier", slug, "licenses are on it; move them to another tier first",
        records);
  }

  private static Map<String, AttributeValue> fields(Tier tier) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("slug", s(tier.slug()));
    fields.put("name", s(tier.name()));
    fields.put("rank", n(tier.rank()));
    fields.put("entitlements", Attributes.values(tier.entitlements()));
    fields.put("created_at", instant(tier.createdAt()));
    fields.put(UPDATED_AT, instant(tier.updatedAt()));
    return fields;
  }

  @Override
  public Optional<Tier> findTier(String tenantId, String slug) {
    return items.get(tenantId, Keys.TIER + slug).map(DynamoCatalogStore::tier);
  }

  private static Tier tier(Map<String, AttributeValue> item) {
    return new Tier(
        string(item, "slug"),
        string(item, "name"),
        Attributes.decimal(item, "rank").intValueExact(),
        Attributes.values(item, "entitlements"),
        instant(item, "created_at"),
        updatedAt(item));
  }

  @Override
  public void createCustomer(String tenantId, Customer customer, ChangeRecords records) {
    create(item(tenantId, Keys.CUSTOMER + customer.id(), fields(customer)),
        "customer '" + customer.id() + "' already exists", "id", records);
  }

  @Override
  public void updateCustomer(String tenantId, Customer customer, Instant expectedUpdatedAt, ChangeRecords records) {
    update(tenantId, Keys.CUSTOMER + customer.id(), fields(customer), expectedUpdatedAt, "customer", customer.id(),
        records);
  }

  @Override
  public void deleteCustomer(String tenantId, String id, ChangeRecords records) {
    delete(tenantId, Keys.CUSTOMER + id, LICENSE_COUNT, "customer", id, "it holds licenses; delete them first", records);
  }

  private static Map<String, AttributeValue> fields(Customer customer) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("id", s(customer.id()));
    fields.put("name", s(customer.name()));
    fields.put("metadata", Attributes.strings(customer.metadata()));
    fields.put("created_at", instant(customer.createdAt()));
    fields.put(UPDATED_AT, instant(customer.updatedAt()));
    return fields;
  }

  @Override
  public Optional<Customer> findCustomer(String tenantId, String id) {
    return items.get(tenantId, Keys.CUSTOMER + id).map(DynamoCatalogStore::customer);
  }

  private static Customer customer(Map<String, AttributeValue> item) {
    return new Customer(string(item, "id"), string(item, "name"), Attributes.strings(item, "metadata"),
        instant(item, "created_at"), updatedAt(item));
  }

  /** The license, its timers, and one more license on its tier and customer, together or not at all. */
  @Override
  public void createLicense(String tenantId, License license, List<LifecycleTimer> timers, ChangeRecords records) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().put(p -> p.tableName(table)
        .item(item(tenantId, Keys.LICENSE + license.id(), fields(license)))
        .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))).build());
    writes.add(count(tenantId, Keys.TIER + license.tier(), LICENSE_COUNT, 1));
    writes.add(count(tenantId, Keys.CUSTOMER + license.customerId(), LICENSE_COUNT, 1));
    timers.forEach(timer -> writes.add(timer(timer)));
    transact(writes, records, List.of(
        () -> new ConflictException("id", "license '" + license.id() + "' already exists"),
        () -> new UnknownReferenceException("tier", "tier '" + license.tier() + "' does not exist"),
        () -> new UnknownReferenceException("customer_id", "customer '" + license.customerId() + "' does not exist")));
  }

  /** The license, the timers of the dates that changed, and the license counts of a tier change, together. */
  @Override
  public void updateLicense(String tenantId, License previous, License license, List<LifecycleTimer> timers,
      ChangeRecords records) {
    List<TransactWriteItem> writes = new ArrayList<>();
    // Unchanged since `previous` was read, so still on the tier counted down here.
    writes.add(TransactWriteItem.builder()
        .update(change(tenantId, Keys.LICENSE + license.id(), fields(license), previous.updatedAt())).build());
    if (!previous.tier().equals(license.tier())) {
      writes.add(count(tenantId, Keys.TIER + license.tier(), LICENSE_COUNT, 1));
      writes.add(count(tenantId, Keys.TIER + previous.tier(), LICENSE_COUNT, -1));
    }
    timers.forEach(timer -> writes.add(timer(timer)));
    transact(writes, records, List.of(
        () -> new ConflictException(null, "license '" + license.id() + "' was changed by another request; read it again"),
        () -> new UnknownReferenceException("tier", "tier '" + license.tier() + "' does not exist")));
  }

  /** Deletes the license if no instance is on it, counting it off its tier and customer. */
  @Override
  public void deleteLicense(String tenantId, String id, ChangeRecords records) {
    License license = findLicense(tenantId, id).orElseThrow(() -> new NotFoundException("license", id));
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(TenantItems.key(tenantId, Keys.LICENSE + id))
        .conditionExpression("#tier = :tier AND #customer = :customer AND " + unreferenced("#count"))
        .expressionAttributeNames(Map.of("#tier", "tier", "#customer", "customer_id", "#count", INSTANCE_COUNT))
        .expressionAttributeValues(Map.of(":tier", s(license.tier()), ":customer", s(license.customerId()),
            ":zero", n(0)))).build());
    writes.add(count(tenantId, Keys.TIER + license.tier(), LICENSE_COUNT, -1));
    writes.add(count(tenantId, Keys.CUSTOMER + license.customerId(), LICENSE_COUNT, -1));
    transact(writes, records, List.of(() -> findLicense(tenantId, id).isEmpty()
        ? new NotFoundException("license", id)
        : new ConflictException(null, "license '" + id + "' cannot be deleted: instances are on it; delete them first")));
  }

  private static Map<String, AttributeValue> fields(License license) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("id", s(license.id()));
    fields.put("customer_id", s(license.customerId()));
    fields.put("tier", s(license.tier()));
    fields.put("status", s(license.status().name()));
    fields.put("starts_at", optionalInstant(license.startsAt()));
    fields.put("trial_ends_at", optionalInstant(license.trialEndsAt()));
    fields.put("expires_at", optionalInstant(license.expiresAt()));
    fields.put("overrides", Attributes.values(license.overrides()));
    fields.put("created_at", instant(license.createdAt()));
    fields.put(UPDATED_AT, instant(license.updatedAt()));
    return fields;
  }

  @Override
  public Optional<License> findLicense(String tenantId, String id) {
    return items.get(tenantId, Keys.LICENSE + id).map(DynamoCatalogStore::license);
  }

  static License license(Map<String, AttributeValue> item) {
    return new License(
        string(item, "id"),
        string(item, "customer_id"),
        string(item, "tier"),
        LicenseStatus.valueOf(string(item, "status")),
        instant(item, "starts_at"),
        instant(item, "trial_ends_at"),
        instant(item, "expires_at"),
        Attributes.values(item, "overrides"),
        instant(item, "created_at"),
        updatedAt(item));
  }

  /** The instance and one more instance on its license, together. */
  @Override
  public void createInstance(String tenantId, Instance instance, TokenWrites token, ChangeRecords records) {
    transact(withTokens(List.of(
        TransactWriteItem.builder().put(p -> p.tableName(table)
            .item(item(tenantId, Keys.INSTANCE + instance.id(), fields(instance)))
            .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))).build(),
        count(tenantId, Keys.LICENSE + instance.licenseId(), INSTANCE_COUNT, 1)), token), records,
        List.of(() -> new ConflictException("id", "instance '" + instance.id() + "' already exists"),
            () -> new UnknownReferenceException("license_id", "license '" + instance.licenseId() + "' does not exist"),
            TOKEN_TAKEN));
  }

  @Override
  public void updateInstance(String tenantId, Instance instance, Instant expectedUpdatedAt, ChangeRecords records) {
    update(tenantId, Keys.INSTANCE + instance.id(), fields(instance), expectedUpdatedAt, "instance", instance.id(),
        records);
  }

  /** Deletes the instance, counts it off its license and removes its tokens, together. */
  @Override
  public void deleteInstance(String tenantId, String id, TokenWrites tokens, ChangeRecords records) {
    Instance instance = findInstance(tenantId, id).orElseThrow(() -> new NotFoundException("instance", id));
    DynamoTokenStore.Writes revoked = DynamoTokenStore.Writes.of(tokens);
    transact(withTokens(List.of(
        TransactWriteItem.builder().delete(d -> d.tableName(table).key(TenantItems.key(tenantId, Keys.INSTANCE + id))
            .conditionExpression("attribute_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))).build(),
        count(tenantId, Keys.LICENSE + instance.licenseId(), INSTANCE_COUNT, -1)), revoked), records,
        List.of(() -> new NotFoundException("instance", id)));
    revoked.finish(dynamo);
  }

  private static Map<String, AttributeValue> fields(Instance instance) {
    Map<String, AttributeValue> fields = new LinkedHashMap<>();
    fields.put("id", s(instance.id()));
    fields.put("license_id", s(instance.licenseId()));
    fields.put("name", s(instance.name()));
    fields.put("labels", Attributes.strings(instance.labels()));
    fields.put("created_at", instant(instance.createdAt()));
    fields.put(UPDATED_AT, instant(instance.updatedAt()));
    return fields;
  }

  @Override
  public Optional<Instance> findInstance(String tenantId, String id) {
    return items.get(tenantId, Keys.INSTANCE + id).map(DynamoCatalogStore::instance);
  }

  static Instance instance(Map<String, AttributeValue> item) {
    return new Instance(string(item, "id"), string(item, "license_id"), string(item, "name"),
        Attributes.strings(item, "labels"), instant(item, "created_at"), updatedAt(item));
  }

  @Override
  public Page<Entitlement> entitlements(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.ENTITLEMENT, page, true, DynamoCatalogStore::entitlement);
  }

  @Override
  public Page<Tier> tiers(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.TIER, page, true, DynamoCatalogStore::tier);
  }

  @Override
  public Page<Customer> customers(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.CUSTOMER, page, true, DynamoCatalogStore::customer);
  }

  @Override
  public Page<License> licenses(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.LICENSE, page, true, DynamoCatalogStore::license);
  }

  @Override
  public Page<Instance> instances(String tenantId, PageRequest page) {
    return items.page(tenantId, Keys.INSTANCE, page, true, DynamoCatalogStore::instance);
  }

  /** The key and the fields that are set. */
  private static Map<String, AttributeValue> item(String tenantId, String sk, Map<String, AttributeValue> fields) {
    Map<String, AttributeValue> item = TenantItems.key(tenantId, sk);
    fields.forEach((name, value) -> {
      if (value != null) {
        item.put(name, value);
      }
    });
    return item;
  }

  private static AttributeValue optionalInstant(Instant value) {
    return value == null ? null : instant(value);
  }

  /** Items written before {@code updated_at} existed have changed last when they were created. */
  private static Instant updatedAt(Map<String, AttributeValue> item) {
    return item.containsKey(UPDATED_AT) ? instant(item, UPDATED_AT) : instant(item, "created_at");
  }

  /** Puts an item only if its key is free: ids and slugs are never silently overwritten. */
  private void create(Map<String, AttributeValue> item, String conflict, String field, ChangeRecords records) {
    transact(List.of(TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
            .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))).build()),
        records, List.of(() -> new ConflictException(field, conflict)));
  }

  /** Stores a record's fields if it is unchanged since {@code expectedUpdatedAt}; counts on it are kept. */
  private void update(String tenantId, String sk, Map<String, AttributeValue> fields, Instant expectedUpdatedAt,
      String kind, String id, ChangeRecords records) {
    Update change = change(tenantId, sk, fields, expectedUpdatedAt).toBuilder()
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    transactOne(TransactWriteItem.builder().update(change).build(), records, old -> old.isEmpty()
        ? new NotFoundException(kind, id)
        : new ConflictException(null, kind + " '" + id + "' was changed by another request; read it again"));
  }

  /** SET of the fields that are set, REMOVE of the others, if the item is unchanged since it was read. */
  private Update change(String tenantId, String sk, Map<String, AttributeValue> fields, Instant expectedUpdatedAt) {
    Map<String, String> names = new HashMap<>(Map.of("#pk", Keys.PK, "#updated", UPDATED_AT));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":expected", instant(expectedUpdatedAt)));
    List<String> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    fields.forEach((field, value) -> {
      String name = "#f" + names.size();
      names.put(name, field);
      if (value == null) {
        remove.add(name);
      } else {
        values.put(":v" + values.size(), value);
        set.add(name + " = :v" + (values.size() - 1));
      }
    });
    String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
    return Update.builder().tableName(table).key(TenantItems.key(tenantId, sk)).updateExpression(expression)
        // Items written before updated_at existed are matched by existence alone.
        .conditionExpression("attribute_exists(#pk) AND (#updated = :expected OR attribute_not_exists(#updated))")
        .expressionAttributeNames(names).expressionAttributeValues(values).build();
  }

  /** Deletes an item; with {@code countField}, only while nothing references it. */
  private void delete(String tenantId, String sk, String countField, String kind, String id, String referenced,
      ChangeRecords records) {
    Map<String, String> names = new HashMap<>(Map.of("#pk", Keys.PK));
    Map<String, AttributeValue> values = new HashMap<>();
    String condition = "attribute_exists(#pk)";
    if (countField != null) {
      names.put("#count", countField);
      values.put(":zero", n(0));
      condition += " AND " + unreferenced("#count");
    }
    String expression = condition;
    transactOne(TransactWriteItem.builder().delete(d -> d.tableName(table).key(TenantItems.key(tenantId, sk))
        .conditionExpression(expression).expressionAttributeNames(names)
        .expressionAttributeValues(values.isEmpty() ? null : values)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(), records,
        old -> old.isEmpty()
            ? new NotFoundException(kind, id)
            : new ConflictException(null, kind + " '" + id + "' cannot be deleted: " + referenced));
  }

  private static String unreferenced(String count) {
    return "(attribute_not_exists(" + count + ") OR " + count + " <= :zero)";
  }

  /** Moves a count on a referenced item, which must exist (a count never creates an item). */
  private TransactWriteItem count(String tenantId, String sk, String field, int by) {
    return TransactWriteItem.builder().update(u -> u.tableName(table).key(TenantItems.key(tenantId, sk))
        .updateExpression("ADD #count :by").conditionExpression("attribute_exists(#pk)")
        .expressionAttributeNames(Map.of("#count", field, "#pk", Keys.PK))
        .expressionAttributeValues(Map.of(":by", n(by)))).build();
  }

  private TransactWriteItem timer(LifecycleTimer timer) {
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(DynamoLifecycleTimers.item(timer))).build();
  }

  /**
   * Runs the writes and the change's records as one transaction. When a condition of the writes fails,
   * the error is the one given for the first write whose condition failed ({@code refusals} in write
   * order; later writes without one fail as the first). The records' own conditions (new ids) do not
   * fail but by a fault, which is thrown as it came.
   */
  private void transact(List<TransactWriteItem> writes, ChangeRecords records,
      List<Supplier<? extends RuntimeException>> refusals) {
    List<TransactWriteItem> all = new ArrayList<>(writes);
    all.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(all));
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      for (int i = 0; i < Math.min(reasons.size(), writes.size()); i++) {
        if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
          throw refusals.get(i < refusals.size() ? i : 0).get();
        }
      }
      throw e;
    }
  }

  /** One write with the change's records; a failed condition is refused as {@code refusal} says from the item as it was. */
  private void transactOne(TransactWriteItem write, ChangeRecords records,
      Function<Map<String, AttributeValue>, RuntimeException> refusal) {
    List<TransactWriteItem> all = new ArrayList<>(List.of(write));
    all.addAll(changes.of(records));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(all));
    } catch (TransactionCanceledException e) {
      CancellationReason reason = e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
          ? e.cancellationReasons().get(0) : null;
      if (reason != null && "ConditionalCheckFailed".equals(reason.code())) {
        throw refusal.apply(reason.hasItem() ? reason.item() : Map.of());
      }
      throw e;
    }
  }
}
