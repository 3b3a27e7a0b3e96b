package sh.kaiten.adapters.dynamodb;

import static sh.kaiten.adapters.dynamodb.Attributes.instant;
import static sh.kaiten.adapters.dynamodb.Attributes.s;
import static sh.kaiten.adapters.dynamodb.Attributes.string;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.access.TokenWrites;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.license.TenantStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The tenants on the Catalog table: each tenant's own record ({@code sk = TENANT}) and its line in
 * the list of all tenants ({@code pk = TENANTS}), written together.
 */
public final class DynamoTenants implements TenantStore {
  private final DynamoDbClient dynamo;
  private final String table;
  private final CatalogWrites writes;

  /**
   * @param changes how a change's events and audit records join its transaction
   */
  public DynamoTenants(DynamoDbClient dynamo, String table, ChangeItems changes) {
    this.dynamo = dynamo;
    this.table = table;
    this.writes = new CatalogWrites(dynamo, table, changes);
  }

  @Override
  public void createTenant(Tenant tenant, TokenWrites adminToken, ChangeRecords records) {
    Map<String, AttributeValue> fields = new HashMap<>();
    fields.put("id", s(tenant.id()));
    fields.put("name", s(tenant.name()));
    fields.put("created_at", instant(tenant.createdAt()));
    Map<String, AttributeValue> record =
        new HashMap<>(TenantItems.key(tenant.id(), Keys.TENANT_RECORD));
    record.putAll(fields);
    Map<String, AttributeValue> listed =
        new HashMap<>(Map.of(Keys.PK, s(Keys.TENANTS), Keys.SK, s(tenant.id())));
    listed.putAll(fields);
    writes.transact(
        CatalogWrites.withTokens(List.of(writes.putNew(record), writes.put(listed)), adminToken),
        records,
        List.of(
            () -> new ConflictException(null, "tenant '" + tenant.id() + "' already exists"),
            CatalogWrites.NO_REFUSAL,
            CatalogWrites.TOKEN_TAKEN));
  }

  @Override
  public Page<Tenant> tenants(PageRequest page) {
    QueryRequest.Builder query =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", Keys.PK))
            .expressionAttributeValues(Map.of(":pk", s(Keys.TENANTS)))
            .consistentRead(true);
    return Cursors.page(
        dynamo,
        query,
        Keys.TENANTS,
        "",
        page,
        item -> new Tenant(string(item, "id"), string(item, "name"), instant(item, "created_at")));
  }
}
