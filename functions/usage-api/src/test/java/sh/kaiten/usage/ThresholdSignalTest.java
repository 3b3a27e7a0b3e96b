package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.local.aws.LocalAws;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A report that crosses an alert threshold puts one message on the thresholds queue; others put
 * none.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class ThresholdSignalTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;

  private ProductPage page;
  private String queueUrl;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
    queueUrl = LocalAwsResource.localAws().resources().ref("ThresholdsQueue");
  }

  private void report(int value) {
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body("{\"entitlement_slug\":\"api-calls\",\"value\":" + value + "}")
        .when()
        .post("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then()
        .statusCode(200);
  }

  /**
   * Every message of this test's tenant now on the queue (deleted as read, so tests stay
   * independent).
   */
  private List<JsonNode> drainMessagesOfThisTenant() throws Exception {
    LocalAws aws = LocalAwsResource.localAws();
    List<JsonNode> mine = new ArrayList<>();
    List<Message> batch;
    do {
      batch =
          aws.sqs()
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
              .messages();
      for (Message message : batch) {
        JsonNode body = new ObjectMapper().readTree(message.body());
        if (body.get("tenant_id").asText().equals(page.adminToken().tenantId())) {
          mine.add(body);
        }
        aws.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
    } while (!batch.isEmpty());
    return mine;
  }

  @Test
  void crossingEightyPercentSignalsOnce() throws Exception {
    report(79_999);
    assertThat(drainMessagesOfThisTenant()).isEmpty();
    report(1);
    report(1);
    List<JsonNode> messages = drainMessagesOfThisTenant();
    assertThat(messages).hasSize(1);
    JsonNode signal = messages.get(0);
    assertThat(signal.get("entitlement").asText()).isEqualTo("api-calls");
    assertThat(signal.get("holder").asText()).isEqualTo("instance:acme-prod");
    assertThat(signal.get("previous").decimalValue()).isEqualByComparingTo("79999");
    assertThat(signal.get("updated").decimalValue()).isEqualByComparingTo("80000");
    assertThat(signal.get("limit").decimalValue()).isEqualByComparingTo("100000");
    assertThat(signal.get("thresholds").toString()).isEqualTo("[80]");
  }
}
