package sh.kaiten.adapters.dynamodb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.metering.CounterKey;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The instance reads of a data-plane request as one {@code BatchGetItem} across the Catalog and
 * Usage tables, read consistently: the instance, its license, and up to 98 counter items (DynamoDB
 * takes 100 keys a request; a counter spread over shards is one item per shard; more take more
 * requests). Keys it leaves unprocessed are asked again after a backoff ({@link BatchReads}).
 */
public final class DynamoInstanceReads implements InstanceReads {
  private final BatchReads reads;
  private final String catalogTable;
  private final String usageTable;

  public DynamoInstanceReads(DynamoDbClient dynamo, String catalogTable, String usageTable) {
    this.reads = new BatchReads(dynamo);
    this.catalogTable = catalogTable;
    this.usageTable = usageTable;
  }

  @Override
  public Snapshot read(
      String tenantId, String instanceId, String licenseId, Map<CounterKey, Metering> counters) {
    CounterReads counterReads = new CounterReads(counters);
    Map<String, List<Map<String, AttributeValue>>> keys = new LinkedHashMap<>();
    keys.put(
        catalogTable,
        List.of(
            TenantItems.key(tenantId, Keys.INSTANCE + instanceId),
            TenantItems.key(tenantId, Keys.LICENSE + licenseId)));
    keys.put(usageTable, counterReads.keys());
    Map<String, List<Map<String, AttributeValue>>> found = reads.read(keys);
    Instance instance = null;
    License license = null;
    for (Map<String, AttributeValue> item : found.getOrDefault(catalogTable, List.of())) {
      if (item.get(Keys.SK).s().startsWith(Keys.INSTANCE)) {
        instance = InstanceItems.instance(item);
      } else {
        license = LicenseItems.license(item);
      }
    }
    counterReads.found(found.getOrDefault(usageTable, List.of()));
    return new Snapshot(instance, license, counterReads.tallies());
  }
}
