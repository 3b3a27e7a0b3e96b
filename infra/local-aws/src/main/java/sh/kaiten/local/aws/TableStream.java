package sh.kaiten.local.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A table's DynamoDB stream read as Lambda's event source mapping reads it: shard by shard, in
 * order, from the oldest record kept ({@code TRIM_HORIZON}); a batch that failed from some record
 * on is read again from that record. Records become the JSON of Lambda's DynamoDB event.
 */
public final class TableStream {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DynamoDbStreamsClient streams;
  private final String streamArn;
  private final String region;

  /** Where each shard is read next; a shard read to its end is left out. */
  private final Map<String, String> iterators = new LinkedHashMap<>();

  private final List<String> finished = new ArrayList<>();

  public TableStream(DynamoDbStreamsClient streams, String streamArn, String region) {
    this.streams = streams;
    this.streamArn = streamArn;
    this.region = region;
  }

  /**
   * Up to {@code limit} records of one shard, read after the last batch of that shard that was
   * {@link Batch#done}.
   */
  public Batch next(int limit) {
    discoverShards();
    for (Map.Entry<String, String> shard : new ArrayList<>(iterators.entrySet())) {
      GetRecordsResponse response =
          streams.getRecords(r -> r.shardIterator(shard.getValue()).limit(limit));
      if (!response.records().isEmpty()) {
        return new Batch(shard.getKey(), response.records(), response.nextShardIterator());
      }
      advance(shard.getKey(), response.nextShardIterator());
    }
    return new Batch(null, List.of(), null);
  }

  private void discoverShards() {
    for (Shard shard :
        streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
      if (!iterators.containsKey(shard.shardId())
          && !finished.contains(shard.shardId())
          && (shard.parentShardId() == null || !iterators.containsKey(shard.parentShardId()))) {
        iterators.put(
            shard.shardId(),
            streams
                .getShardIterator(
                    r ->
                        r.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator());
      }
    }
  }

  private void advance(String shardId, String nextIterator) {
    if (nextIterator == null) {
      iterators.remove(shardId);
      finished.add(shardId);
    } else {
      iterators.put(shardId, nextIterator);
    }
  }

  /** Records of one shard, in order. */
  public final class Batch {
    private final String shardId;
    private final List<Record> records;
    private final String nextIterator;

    private Batch(String shardId, List<Record> records, String nextIterator) {
      this.shardId = shardId;
      this.records = records;
      this.nextIterator = nextIterator;
    }

    public List<Record> records() {
      return records;
    }

    /** Every record was handled: the shard is read on after them. */
    public void done() {
      if (shardId != null) {
        advance(shardId, nextIterator);
      }
    }

    /** The records from {@code sequenceNumber} on failed: the shard is read again from it. */
    public void failedFrom(String sequenceNumber) {
      iterators.put(
          shardId,
          streams
              .getShardIterator(
                  r ->
                      r.streamArn(streamArn)
                          .shardId(shardId)
                          .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                          .sequenceNumber(sequenceNumber))
              .shardIterator());
    }

    /**
     * The event Lambda hands a function for {@code handed} (these records, or those a filter let
     * through).
     */
    public String lambdaEvent(List<Record> handed) {
      ObjectNode event = JSON.createObjectNode();
      ArrayNode out = event.putArray("Records");
      for (Record record : handed) {
        ObjectNode json = out.addObject();
        json.put("eventID", record.eventID());
        json.put("eventName", record.eventNameAsString());
        json.put("eventVersion", record.eventVersion());
        json.put("eventSource", "aws:dynamodb");
        json.put("awsRegion", region);
        ObjectNode dynamodb = json.putObject("dynamodb");
        var change = record.dynamodb();
        if (change.approximateCreationDateTime() != null) {
          dynamodb.put(
              "ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
        }
        dynamodb.set("Keys", image(change.keys()));
        if (change.hasNewImage()) {
          dynamodb.set("NewImage", image(change.newImage()));
        }
        if (change.hasOldImage()) {
          dynamodb.set("OldImage", image(change.oldImage()));
        }
        dynamodb.put("SequenceNumber", change.sequenceNumber());
        dynamodb.put("SizeBytes", change.sizeBytes());
        dynamodb.put("StreamViewType", change.streamViewTypeAsString());
        if (record.userIdentity() != null) {
          json.putObject("userIdentity")
              .put("type", record.userIdentity().type())
              .put("principalId", record.userIdentity().principalId());
        }
        json.put("eventSourceARN", streamArn);
      }
      return event.toString();
    }
  }

  private static ObjectNode image(Map<String, AttributeValue> item) {
    ObjectNode image = JSON.createObjectNode();
    item.forEach((name, value) -> image.set(name, value(value)));
    return image;
  }

  /**
   * An attribute in the stream's JSON form: {@code {"S":"..."}}, {@code {"N":"1"}}, {@code
   * {"M":{...}}}, ...
   */
  private static ObjectNode value(AttributeValue value) {
    ObjectNode json = JSON.createObjectNode();
    if (value.s() != null) {
      json.put("S", value.s());
    } else if (value.n() != null) {
      json.put("N", value.n());
    } else if (value.bool() != null) {
      json.put("BOOL", value.bool());
    } else if (Boolean.TRUE.equals(value.nul())) {
      json.put("NULL", true);
    } else if (value.b() != null) {
      json.put("B", value.b().asByteArray());
    } else if (value.hasM()) {
      json.set("M", image(value.m()));
    } else if (value.hasL()) {
      ArrayNode list = json.putArray("L");
      value.l().forEach(element -> list.add(value(element)));
    } else if (value.hasSs()) {
      ArrayNode set = json.putArray("SS");
      value.ss().forEach(set::add);
    } else if (value.hasNs()) {
      ArrayNode set = json.putArray("NS");
      value.ns().forEach(set::add);
    } else if (value.hasBs()) {
      ArrayNode set = json.putArray("BS");
      value.bs().forEach(bytes -> set.add(bytes.asByteArray()));
    }
    return json;
  }
}
