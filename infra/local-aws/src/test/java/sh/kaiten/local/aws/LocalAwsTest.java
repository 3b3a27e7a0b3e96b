package sh.kaiten.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class LocalAwsTest {
  private static CloudFormationTemplate template;
  private static LocalAws aws;

  @BeforeAll
  static void start() {
    template = CloudFormationTemplate.read(CloudFormationTemplate.locate(Path.of("")));
    aws = LocalAws.start(template, null);
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Test
  void secretsMadeUpForADataFolderStayWhatTheyWereAcrossRestarts(@TempDir Path data) {
    String digestKey;
    String bootstrap;
    try (LocalAws first = LocalAws.start(template, data)) {
      digestKey = first.resources().secretValue("AuditDigestKey");
      bootstrap = first.resources().secretValue("BootstrapSecret");
      assertThat(first.resources().localEnvironmentOf("SchedulerFunction"))
          .containsEntry("KAITEN_AUDIT_DIGEST_KEY", digestKey);
    }
    try (LocalAws again = LocalAws.start(template, data)) {
      assertThat(again.resources().secretValue("AuditDigestKey")).isEqualTo(digestKey);
      assertThat(again.resources().secretValue("BootstrapSecret")).isEqualTo(bootstrap);
      assertThat(again.resources().localEnvironmentOf("AdminApiFunction"))
          .containsEntry("KAITEN_AUDIT_DIGEST_KEY", digestKey);
    }
    assertThat(aws.resources().secretValue("AuditDigestKey"))
        .as("another folder, another key")
        .isNotEqualTo(digestKey);
  }

  @Test
  void theTemplatesTablesAndQueuesExist() {
    assertThat(aws.dynamo().listTables().tableNames())
        .hasSize(template.resourcesOfType("AWS::DynamoDB::Table").size());
    assertThat(aws.sqs().listQueues().queueUrls())
        .hasSize(template.resourcesOfType("AWS::SQS::Queue").size());
  }

  /**
   * A variable the template leaves out for the chosen Runtime (Fn::If to AWS::NoValue) is left out
   * of the function's environment, as CloudFormation does; before, resolving AWS::NoValue failed.
   */
  @Test
  void aVariableTheTemplateLeavesOutForTheRuntimeIsNotInTheEnvironment() {
    assertThat(aws.resources().environmentOf("UsageApiFunction"))
        .doesNotContainKey("JAVA_TOOL_OPTIONS")
        .containsEntry("DISABLE_SIGNAL_HANDLERS", "true");
    try (LocalAws jvm = LocalAws.start(template, null, Map.of("Runtime", "jvm"))) {
      assertThat(jvm.resources().environmentOf("UsageApiFunction"))
          .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    }
  }

  @Test
  void attachedProvisionsTheSameResourcesAndLeavesTheServicesRunning() {
    try (LocalAws attached =
        LocalAws.attach(aws.dynamoEndpoint(), aws.sqsEndpoint(), aws.credentials(), template)) {
      assertThat(attached.resources().ref("CatalogTable"))
          .isEqualTo(aws.resources().ref("CatalogTable"));
      assertThat(attached.resources().ref("ThresholdsQueue"))
          .isEqualTo(aws.resources().ref("ThresholdsQueue"));
    }
    assertThat(aws.dynamo().listTables().tableNames())
        .contains(aws.resources().ref("CatalogTable"));
    assertThat(aws.sqs().listQueues().queueUrls()).contains(aws.resources().ref("ThresholdsQueue"));
  }

  @Test
  void stopExpiringItemsTurnsOffTimeToLiveOnEveryTableThatHadIt() {
    try (LocalAws own = LocalAws.start(template, null)) {
      String budgets = own.resources().ref("RequestBudgetsTable");
      String outbox = own.resources().ref("OutboxTable");
      assertThat(ttlStatus(own, budgets)).isEqualTo("ENABLED");
      assertThat(ttlStatus(own, outbox)).isEqualTo("ENABLED");

      own.stopExpiringItems();

      assertThat(ttlStatus(own, budgets)).isEqualTo("DISABLED");
      assertThat(ttlStatus(own, outbox)).isEqualTo("DISABLED");
    }
  }

  private static String ttlStatus(LocalAws aws, String table) {
    return aws.dynamo()
        .describeTimeToLive(r -> r.tableName(table))
        .timeToLiveDescription()
        .timeToLiveStatusAsString();
  }

  @Test
  void aTableKeptFromAnOlderTemplateGetsTheIndexesItLacksAndKeepsItsItems() {
    String tokens = aws.resources().ref("TokensTable");
    aws.dynamo().deleteTable(r -> r.tableName(tokens));
    aws.dynamo()
        .createTable(
            r ->
                r.tableName(tokens)
                    .attributeDefinitions(a -> a.attributeName("token_hash").attributeType("S"))
                    .keySchema(k -> k.attributeName("token_hash").keyType("HASH"))
                    .billingMode("PAY_PER_REQUEST"));
    for (int i = 0; i < 30; i++) {
      String n = Integer.toString(i);
      aws.dynamo()
          .putItem(
              r ->
                  r.tableName(tokens)
                      .item(
                          Map.of(
                              "token_hash", AttributeValue.fromS("hash-" + n),
                              "tenant_id", AttributeValue.fromS("t1"),
                              "token_id", AttributeValue.fromS("tok_" + n))));
    }

    new TemplateProvisioner(template, aws.dynamo(), aws.sqs(), LocalAws.REGION, LocalAws.ACCOUNT_ID)
        .provision(Map.of());

    assertThat(
            aws.dynamo().describeTable(r -> r.tableName(tokens)).table().globalSecondaryIndexes())
        .extracting(index -> index.indexName() + " " + index.indexStatusAsString())
        .containsExactly("by-tenant ACTIVE");
    assertThat(
            aws.dynamo()
                .query(
                    r ->
                        r.tableName(tokens)
                            .indexName("by-tenant")
                            .keyConditionExpression("tenant_id = :t")
                            .expressionAttributeValues(Map.of(":t", AttributeValue.fromS("t1"))))
                .count())
        .as("every item kept, and found through the new index")
        .isEqualTo(30);
  }

  @Test
  void bothServicesListenOnLoopbackOnly() throws IOException {
    assertThat(connects(InetAddress.getLoopbackAddress(), aws.dynamoEndpoint())).isTrue();
    assertThat(connects(InetAddress.getLoopbackAddress(), aws.sqsEndpoint())).isTrue();
    Optional<InetAddress> external = externalAddress();
    assumeTrue(external.isPresent(), "this machine has no address besides loopback");
    assertThatThrownBy(() -> connects(external.get(), aws.dynamoEndpoint()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> connects(external.get(), aws.sqsEndpoint()))
        .isInstanceOf(IOException.class);
  }

  private static boolean connects(InetAddress address, URI endpoint) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, endpoint.getPort()), 2000);
      return socket.isConnected();
    }
  }

  private static Optional<InetAddress> externalAddress() throws SocketException {
    return NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
        .findFirst();
  }
}
