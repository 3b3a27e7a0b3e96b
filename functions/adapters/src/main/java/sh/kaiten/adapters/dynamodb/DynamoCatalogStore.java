package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.n;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import sh.kaiten.domain.catalog.Aggregation;
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
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.lifecycle.LifecycleTimer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The catalog port on the Catalog table: one item per record, keyed by tenant. */
public final class DynamoCatalogStore implements CatalogStore {
  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoCatalogStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void createTenant(Tenant tenant) {
    Map<String, AttributeValue> item = key(tenant.id(), Keys.TENANT_RECORD);
    item.put("id", s(tenant.id()));
    item.put("name", s(tenant.name()));
    item.put("created_at", instant(tenant.createdAt()));
    create(item, "tenant '" + tenant.id() + "' already exists", null);
  }

  @Override
  public void createEntitlement(String tenantId, Entitlement entitlement) {
    Map<String, AttributeValue> item = key(tenantId, Keys.ENTITLEMENT + entitlement.slug());
    item.put("slug", s(entitlement.slug()));
    item.put("name", s(entitlement.name()));
    item.put("type", s(entitlement.type().name()));
    item.put("created_at", instant(entitlement.createdAt()));
    Metering metering = entitlement.metering();
    if (metering != null) {
      item.put("aggregation", s(metering.aggregation().name()));
      item.put("reset", s(metering.reset().name()));
      item.put("reset_anchor", s(metering.resetAnchor().name()));
      item.put("scope", s(metering.scope().name()));
      item.put("enforcement", s(metering.enforcement().name()));
      item.put("thresholds", AttributeValue.fromL(metering.thresholds().stream().map(t -> n(t)).toList()));
      if (metering.overagePercent() != null) {
        item.put("overage_percent", n(metering.overagePercent()));
      }
      if (metering.unit() != null) {
        item.put("unit", s(metering.unit()));
      }
    }
    if (entitlement.configSchema() != null) {
      item.put("config_schema", Attributes.json(entitlement.configSchema()));
    }
    create(item, "entitlement '" + entitlement.slug() + "' already exists", "slug");
  }

  @Override
  public Optional<Entitlement> findEntitlement(String tenantId, String slug) {
    return get(tenantId, Keys.ENTITLEMENT + slug).map(DynamoCatalogStore::entitlement);
  }

  @Override
  public List<Entitlement> listEntitlements(String tenantId) {
    return query(tenantId, Keys.ENTITLEMENT, DynamoCatalogStore::entitlement);
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
        string(item, "unit"));
    return new Entitlement(string(item, "slug"), string(item, "name"), type, metering,
        Attributes.json(item, "config_schema"), instant(item, "created_at"));
  }

  @Override
  public void createTier(String tenantId, Tier tier) {
    Map<String, AttributeValue> item = key(tenantId, Keys.TIER + tier.slug());
    item.put("slug", s(tier.slug()));
    item.put("name", s(tier.name()));
    item.put("rank", n(tier.rank()));
    item.put("entitlements", Attributes.values(tier.entitlements()));
    item.put("created_at", instant(tier.createdAt()));
    create(item, "tier '" + tier.slug() + "' already exists", "slug");
  }

  @Override
  public Optional<Tier> findTier(String tenantId, String slug) {
    return get(tenantId, Keys.TIER + slug).map(DynamoCatalogStore::tier);
  }

  private static Tier tier(Map<String, AttributeValue> item) {
    return new Tier(
        string(item, "slug"),
        string(item, "name"),
        Attributes.decimal(item, "rank").intValueExact(),
        Attributes.values(item, "entitlements"),
        instant(item, "created_at"));
  }

  @Override
  public void createCustomer(String tenantId, Customer customer) {
    Map<String, AttributeValue> item = key(tenantId, Keys.CUSTOMER + customer.id());
    item.put("id", s(customer.id()));
    item.put("name", s(customer.name()));
    item.put("metadata", Attributes.strings(customer.metadata()));
    item.put("created_at", instant(customer.createdAt()));
    create(item, "customer '" + customer.id() + "' already exists", "id");
  }

  @Override
  public Optional<Customer> findCustomer(String tenantId, String id) {
    return get(tenantId, Keys.CUSTOMER + id).map(DynamoCatalogStore::customer);
  }

  private static Customer customer(Map<String, AttributeValue> item) {
    return new Customer(
        string(item, "id"), string(item, "name"), Attributes.strings(item, "metadata"), instant(item, "created_at"));
  }

  @Override
  public void createLicense(String tenantId, License license, List<LifecycleTimer> timers) {
    writeLicense(tenantId, license, timers, "attribute_not_exists(#pk)", Map.of("#pk", Keys.PK), Map.of(),
        () -> new ConflictException("id", "license '" + license.id() + "' already exists"));
  }

  @Override
  public void updateLicense(String tenantId, License license, Instant expectedUpdatedAt, List<LifecycleTimer> timers) {
    // Items written before updated_at existed are matched by existence alone.
    writeLicense(tenantId, license, timers, "attribute_exists(#pk) AND (#updated = :expected OR attribute_not_exists(#updated))",
        Map.of("#pk", Keys.PK, "#updated", "updated_at"), Map.of(":expected", instant(expectedUpdatedAt)),
        () -> new ConflictException(null, "license '" + license.id() + "' was changed by another request; read it again"));
  }

  /** The license and its timers in one transaction; {@code refused} when the license's condition fails. */
  private void writeLicense(String tenantId, License license, List<LifecycleTimer> timers, String condition,
      Map<String, String> names, Map<String, AttributeValue> values, Supplier<ConflictException> refused) {
    Map<String, AttributeValue> item = key(tenantId, Keys.LICENSE + license.id());
    item.put("id", s(license.id()));
    item.put("customer_id", s(license.customerId()));
    item.put("tier", s(license.tier()));
    item.put("status", s(license.status().name()));
    putInstant(item, "starts_at", license.startsAt());
    putInstant(item, "trial_ends_at", license.trialEndsAt());
    putInstant(item, "expires_at", license.expiresAt());
    item.put("overrides", Attributes.values(license.overrides()));
    item.put("created_at", instant(license.createdAt()));
    item.put("updated_at", instant(license.updatedAt()));
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression(condition)
        .expressionAttributeNames(names).expressionAttributeValues(values.isEmpty() ? null : values)).build());
    timers.forEach(timer -> writes.add(TransactWriteItem.builder()
        .put(p -> p.tableName(table).item(DynamoLifecycleTimers.item(timer))).build()));
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
    } catch (TransactionCanceledException e) {
      if ("ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
        throw refused.get();
      }
      throw e;
    }
  }

  @Override
  public Optional<License> findLicense(String tenantId, String id) {
    return get(tenantId, Keys.LICENSE + id).map(DynamoCatalogStore::license);
  }

  private static License license(Map<String, AttributeValue> item) {
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
        item.containsKey("updated_at") ? instant(item, "updated_at") : instant(item, "created_at"));
  }

  @Override
  public void createInstance(String tenantId, Instance instance) {
    Map<String, AttributeValue> item = key(tenantId, Keys.INSTANCE + instance.id());
    item.put("id", s(instance.id()));
    item.put("license_id", s(instance.licenseId()));
    item.put("name", s(instance.name()));
    item.put("labels", Attributes.strings(instance.labels()));
    item.put("created_at", instant(instance.createdAt()));
    create(item, "instance '" + instance.id() + "' already exists", "id");
  }

  @Override
  public Optional<Instance> findInstance(String tenantId, String id) {
    return get(tenantId, Keys.INSTANCE + id).map(DynamoCatalogStore::instance);
  }

  private static Instance instance(Map<String, AttributeValue> item) {
    return new Instance(
        string(item, "id"), string(item, "license_id"), string(item, "name"), Attributes.strings(item, "labels"),
        instant(item, "created_at"));
  }

  @Override
  public Page<Entitlement> entitlements(String tenantId, PageRequest page) {
    return page(tenantId, Keys.ENTITLEMENT, page, DynamoCatalogStore::entitlement);
  }

  @Override
  public Page<Tier> tiers(String tenantId, PageRequest page) {
    return page(tenantId, Keys.TIER, page, DynamoCatalogStore::tier);
  }

  @Override
  public Page<Customer> customers(String tenantId, PageRequest page) {
    return page(tenantId, Keys.CUSTOMER, page, DynamoCatalogStore::customer);
  }

  @Override
  public Page<License> licenses(String tenantId, PageRequest page) {
    return page(tenantId, Keys.LICENSE, page, DynamoCatalogStore::license);
  }

  @Override
  public Page<Instance> instances(String tenantId, PageRequest page) {
    return page(tenantId, Keys.INSTANCE, page, DynamoCatalogStore::instance);
  }

  /**
   * One page of the tenant's records of a kind, in key order. The cursor is the last key's sort key,
   * base64url-encoded; one that is not of this kind is refused rather than read elsewhere.
   */
  private <T> Page<T> page(String tenantId, String skPrefix, PageRequest page,
      Function<Map<String, AttributeValue>, T> mapper) {
    QueryRequest.Builder request = ofKind(tenantId, skPrefix).limit(page.limit());
    if (page.cursor() != null) {
      request.exclusiveStartKey(Map.of(Keys.PK, s(Keys.tenant(tenantId)), Keys.SK, s(Cursors.read(page.cursor(), skPrefix))));
    }
    QueryResponse response = dynamo.query(request.build());
    Map<String, AttributeValue> last = response.lastEvaluatedKey();
    String next = response.hasLastEvaluatedKey() && !last.isEmpty() ? Cursors.of(last.get(Keys.SK).s()) : null;
    return new Page<>(response.items().stream().map(mapper).toList(), next);
  }

  private static Map<String, AttributeValue> key(String tenantId, String sk) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put(Keys.PK, s(Keys.tenant(tenantId)));
    key.put(Keys.SK, s(sk));
    return key;
  }

  private static void putInstant(Map<String, AttributeValue> item, String name, java.time.Instant value) {
    if (value != null) {
      item.put(name, instant(value));
    }
  }

  /** Puts an item only if its key is free: ids and slugs are never silently overwritten. */
  private void create(Map<String, AttributeValue> item, String conflict, String field) {
    try {
      dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", Keys.PK)));
    } catch (ConditionalCheckFailedException e) {
      throw new ConflictException(field, conflict);
    }
  }

  private Optional<Map<String, AttributeValue>> get(String tenantId, String sk) {
    var response = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, sk)).consistentRead(true));
    return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
  }

  /** Every page of the query (the SDK's paginator follows LastEvaluatedKey). */
  private <T> List<T> query(String tenantId, String skPrefix, Function<Map<String, AttributeValue>, T> mapper) {
    return dynamo.queryPaginator(ofKind(tenantId, skPrefix).build()).items().stream().map(mapper).toList();
  }

  /** The query for the tenant's records of one kind, read consistently. */
  private QueryRequest.Builder ofKind(String tenantId, String skPrefix) {
    return QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
        .expressionAttributeValues(Map.of(":pk", s(Keys.tenant(tenantId)), ":prefix", s(skPrefix)))
        .consistentRead(true);
  }
}
