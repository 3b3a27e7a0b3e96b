package sh.kaiten.adapters.dynamodb;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.metering.CounterKey;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The instance reads of a data-plane request as one {@code BatchGetItem} across the Catalog and
 * Usage tables, read consistently: the instance, its license, and up to 98 counter items (DynamoDB
 * takes 100 keys a request; a counter spread over shards is one item per shard; more take more
 * requests). Keys it leaves unprocessed are asked again.
 */
public final class DynamoInstanceReads implements InstanceReads {
  private static final int BATCH_LIMIT = 100;

  private final DynamoDbClient dynamo;
  private final String catalogTable;
  private final String usageTable;

  public DynamoInstanceReads(DynamoDbClient dynamo, String catalogTable, String usageTable) {
    this.dynamo = dynamo;
    this.catalogTable = catalogTable;
    this.usageTable = usageTable;
  }

  @Override
  public Snapshot read(String tenantId, String instanceId, String licenseId, Map<CounterKey, Metering> counters) {
    CounterItems items = new CounterItems(counters);
    List<Map<String, AttributeValue>> counterKeys = items.keys();
    Instance instance = null;
    License license = null;

    int from = 0;
    boolean first = true;
    while (first || from < counterKeys.size()) {
      Map<String, KeysAndAttributes> request = new HashMap<>();
      int room = BATCH_LIMIT;
      if (first) {
        request.put(catalogTable, KeysAndAttributes.builder().consistentRead(true).keys(
            TenantItems.key(tenantId, Keys.INSTANCE + instanceId),
            TenantItems.key(tenantId, Keys.LICENSE + licenseId)).build());
        room -= 2;
      }
      int to = Math.min(from + room, counterKeys.size());
      if (to > from) {
        request.put(usageTable,
            KeysAndAttributes.builder().consistentRead(true).keys(counterKeys.subList(from, to)).build());
      }
      while (!request.isEmpty()) {
        BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(catalogTable, List.of())) {
          if (item.get(Keys.SK).s().startsWith(Keys.INSTANCE)) {
            instance = DynamoCatalogStore.instance(item);
          } else {
            license = DynamoCatalogStore.license(item);
          }
        }
        response.responses().getOrDefault(usageTable, List.of()).forEach(items::found);
        request = response.unprocessedKeys();
      }
      first = false;
      from = to;
    }
    return new Snapshot(instance, license, items.tallies());
  }
}
