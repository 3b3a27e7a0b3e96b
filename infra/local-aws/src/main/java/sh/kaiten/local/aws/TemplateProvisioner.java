package sh.kaiten.local.aws;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the tables and queues template.yaml declares in local DynamoDB and SQS. Creating what
 * already exists is a no-op, so a restart on kept data works.
 */
public final class TemplateProvisioner {
  /** The most items one BatchWriteItem takes. */
  private static final int BATCH_WRITE_LIMIT = 25;

  private final CloudFormationTemplate template;
  private final DynamoDbClient dynamo;
  private final SqsClient sqs;
  private final String region;
  private final String accountId;

  public TemplateProvisioner(
      CloudFormationTemplate template,
      DynamoDbClient dynamo,
      SqsClient sqs,
      String region,
      String accountId) {
    this.template = template;
    this.dynamo = dynamo;
    this.sqs = sqs;
    this.region = region;
    this.accountId = accountId;
  }

  public ProvisionedResources provision() {
    return provision(Map.of());
  }

  /**
   * @param parameters template parameters to set; the others take their defaults
   */
  @SuppressWarnings("unchecked")
  public ProvisionedResources provision(Map<String, String> parameters) {
    ProvisionedResources provisioned = new ProvisionedResources(template, region, accountId);
    Map<String, Map<String, Object>> declared =
        (Map<String, Map<String, Object>>) (Map<?, ?>) template.section("Parameters");
    declared.forEach(
        (name, parameter) ->
            provisioned.put(
                name,
                parameters.getOrDefault(name, String.valueOf(parameter.get("Default"))),
                Map.of()));
    template
        .resourcesOfType("AWS::SecretsManager::Secret")
        .forEach((id, resource) -> createSecret(provisioned, id));
    template
        .resourcesOfType("AWS::DynamoDB::Table")
        .forEach((id, resource) -> createTable(provisioned, id, resource));
    // Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
    List<Map.Entry<String, Map<String, Object>>> queues =
        new ArrayList<>(template.resourcesOfType("AWS::SQS::Queue").entrySet());
    queues.sort((a, b) -> Boolean.compare(hasRedrive(a.getValue()), hasRedrive(b.getValue())));
    queues.forEach(queue -> createQueue(provisioned, queue.getKey(), queue.getValue()));
    return provisioned;
  }

  /**
   * A generated secret, like GenerateSecretString makes one; it lives only as long as this process.
   */
  private void createSecret(ProvisionedResources provisioned, String logicalId) {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String arn = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + logicalId;
    provisioned.put(logicalId, arn, Map.of("Id", arn));
    provisioned.putSecret(arn, HexFormat.of().formatHex(random));
  }

  private static boolean hasRedrive(Map<String, Object> queue) {
    return CloudFormationTemplate.properties(queue).containsKey("RedrivePolicy");
  }

  @SuppressWarnings("unchecked")
  private void createTable(
      ProvisionedResources provisioned, String logicalId, Map<String, Object> resource) {
    Map<String, Object> properties = CloudFormationTemplate.properties(resource);
    String name =
        properties.containsKey("TableName")
            ? provisioned.resolve(properties.get("TableName"))
            : logicalId;
    List<AttributeDefinition> attributes =
        ((List<Map<String, Object>>) properties.get("AttributeDefinitions"))
            .stream()
                .map(
                    a ->
                        AttributeDefinition.builder()
                            .attributeName((String) a.get("AttributeName"))
                            .attributeType((String) a.get("AttributeType"))
                            .build())
                .toList();
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(name)
            .attributeDefinitions(attributes)
            .keySchema(keySchema(properties.get("KeySchema")))
            .billingMode(BillingMode.PAY_PER_REQUEST);
    List<GlobalSecondaryIndex> indexes =
        ((List<Map<String, Object>>) properties.getOrDefault("GlobalSecondaryIndexes", List.of()))
            .stream()
                .map(
                    index ->
                        GlobalSecondaryIndex.builder()
                            .indexName((String) index.get("IndexName"))
                            .keySchema(keySchema(index.get("KeySchema")))
                            .projection(
                                Projection.builder()
                                    .projectionType(
                                        (String)
                                            ((Map<String, Object>) index.get("Projection"))
                                                .get("ProjectionType"))
                                    .build())
                            .build())
                .toList();
    if (!indexes.isEmpty()) {
      request.globalSecondaryIndexes(indexes);
    }
    Map<String, Object> stream = (Map<String, Object>) properties.get("StreamSpecification");
    if (stream != null) {
      request.streamSpecification(
          s -> s.streamEnabled(true).streamViewType((String) stream.get("StreamViewType")));
    }
    try {
      dynamo.createTable(request.build());
    } catch (ResourceInUseException alreadyThere) {
      // kept from an earlier run of an older template
      if (lacksAnIndex(name, indexes)) {
        rebuild(name, request.streamSpecification((StreamSpecification) null).build());
      }
      if (stream != null
          && dynamo.describeTable(r -> r.tableName(name)).table().latestStreamArn() == null) {
        dynamo.updateTable(
            r ->
                r.tableName(name)
                    .streamSpecification(
                        s ->
                            s.streamEnabled(true)
                                .streamViewType((String) stream.get("StreamViewType"))));
      }
    }
    Map<String, Object> ttl = (Map<String, Object>) properties.get("TimeToLiveSpecification");
    if (ttl != null && Boolean.TRUE.equals(ttl.get("Enabled"))) {
      String attribute = (String) ttl.get("AttributeName");
      var current = dynamo.describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription();
      if (!attribute.equals(current.attributeName())) {
        dynamo.updateTimeToLive(
            r ->
                r.tableName(name)
                    .timeToLiveSpecification(s -> s.attributeName(attribute).enabled(true)));
      }
    }
    Map<String, String> attrs =
        new HashMap<>(
            Map.of("Arn", "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + name));
    if (stream != null) {
      attrs.put(
          "StreamArn", dynamo.describeTable(r -> r.tableName(name)).table().latestStreamArn());
    }
    provisioned.put(logicalId, name, attrs);
  }

  private boolean lacksAnIndex(String table, List<GlobalSecondaryIndex> indexes) {
    List<String> existing =
        dynamo.describeTable(r -> r.tableName(table)).table().globalSecondaryIndexes().stream()
            .map(GlobalSecondaryIndexDescription::indexName)
            .toList();
    return indexes.stream().anyMatch(index -> !existing.contains(index.indexName()));
  }

  /**
   * Gives a table kept from an older template the indexes it lacks by building it again: its items
   * are read, the table is created anew with every index, and the items are written back. Adding an
   * index to a table, as a stack update does, is no use here: DynamoDB Local gives an index created
   * with its table at once, but builds one added later in a background job, on a pool of ten
   * threads that its four schedulers and the TTL sweeps of six tables with expiring items hold for
   * as long as they run, so the index could stay CREATING for good, and stopping DynamoDB Local
   * waits for it. The new table is created without its stream, so the items written back are not
   * announced as new ones; the caller enables the stream after.
   */
  private void rebuild(String table, CreateTableRequest everyIndexNoStream) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(items::add);
    dynamo.deleteTable(r -> r.tableName(table));
    dynamo.createTable(everyIndexNoStream);
    for (int from = 0; from < items.size(); from += BATCH_WRITE_LIMIT) {
      Map<String, List<WriteRequest>> unwritten =
          Map.of(
              table,
              items.subList(from, Math.min(items.size(), from + BATCH_WRITE_LIMIT)).stream()
                  .map(item -> WriteRequest.builder().putRequest(put -> put.item(item)).build())
                  .toList());
      while (!unwritten.isEmpty()) {
        Map<String, List<WriteRequest>> batch = unwritten;
        unwritten = dynamo.batchWriteItem(r -> r.requestItems(batch)).unprocessedItems();
      }
    }
  }

  private static List<KeySchemaElement> keySchema(Object schema) {
    return ((List<Map<String, Object>>) schema)
        .stream()
            .map(
                k ->
                    KeySchemaElement.builder()
                        .attributeName((String) k.get("AttributeName"))
                        .keyType((String) k.get("KeyType"))
                        .build())
            .toList();
  }

  @SuppressWarnings("unchecked")
  private void createQueue(
      ProvisionedResources provisioned, String logicalId, Map<String, Object> resource) {
    Map<String, Object> properties = CloudFormationTemplate.properties(resource);
    String name =
        properties.containsKey("QueueName")
            ? provisioned.resolve(properties.get("QueueName"))
            : logicalId;
    Map<QueueAttributeName, String> attributes = new HashMap<>();
    copy(
        properties,
        "VisibilityTimeout",
        attributes,
        QueueAttributeName.VISIBILITY_TIMEOUT,
        provisioned);
    copy(
        properties,
        "MessageRetentionPeriod",
        attributes,
        QueueAttributeName.MESSAGE_RETENTION_PERIOD,
        provisioned);
    copy(
        properties,
        "ReceiveMessageWaitTimeSeconds",
        attributes,
        QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
        provisioned);
    copy(properties, "DelaySeconds", attributes, QueueAttributeName.DELAY_SECONDS, provisioned);
    Map<String, Object> redrive = (Map<String, Object>) properties.get("RedrivePolicy");
    if (redrive != null) {
      attributes.put(
          QueueAttributeName.REDRIVE_POLICY,
          "{\"deadLetterTargetArn\":\""
              + provisioned.resolve(redrive.get("deadLetterTargetArn"))
              + "\",\"maxReceiveCount\":\""
              + provisioned.resolve(redrive.get("maxReceiveCount"))
              + "\"}");
    }
    String url = sqs.createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
    String arn =
        sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    provisioned.put(logicalId, url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url));
  }

  private static void copy(
      Map<String, Object> properties,
      String property,
      Map<QueueAttributeName, String> attributes,
      QueueAttributeName attribute,
      ProvisionedResources provisioned) {
    if (properties.containsKey(property)) {
      attributes.put(attribute, provisioned.resolve(properties.get(property)));
    }
  }
}
