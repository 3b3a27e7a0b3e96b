package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import sh.kaiten.local.aws.StripeStandIn;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A test class's kaiten-local ({@code @RegisterExtension}) whose billing-sync calls a Stripe
 * stand-in (with a key made up at run time), for the system tests of usage to Stripe: the stack,
 * the customers they bill, and the billing queue.
 */
final class BillingStack implements BeforeAllCallback, AfterAllCallback {
  final String key = madeUpKey();
  StripeStandIn stripe;
  RunningKaitenLocal local;
  String admin;

  /** Started once for the test class, in a folder of its own under target. */
  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    stripe = StripeStandIn.start(Clock.systemUTC(), key);
    local =
        RunningKaitenLocal.start(
            Path.of("target", "billing-stack-" + UUID.randomUUID()),
            "--stripe-api-base",
            stripe.url(),
            "--sqs-retry-delay",
            "1");
    admin = local.state().path("admin_token").asText();
  }

  private static String madeUpKey() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    return "rk_test_" + HexFormat.of().formatHex(random);
  }

  /** The answer's JSON, after checking it is a 200 or a 201. */
  JsonNode ok(String method, String path, String token, String body) throws IOException {
    var response = local.send(method, path, token, body);
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isBetween(200, 201);
    return local.json(response);
  }

  /**
   * The Stripe connector, with the stack's key and these meters (the JSON object of entitlement
   * slug to meter): its answer.
   */
  JsonNode connect(String meters) throws IOException {
    return ok(
        "PUT",
        "/api/connectors/stripe",
        admin,
        "{\"api_key\":\"" + key + "\",\"meters\":" + meters + "}");
  }

  /**
   * A customer with its Stripe id ({@code metadata.stripe_customer_id}), on the metered tier, with
   * one instance: the instance's token.
   */
  String customer(String name, String stripeId, String instance) throws IOException {
    return customer(name, stripeId, instance, "metered");
  }

  /** The same, on {@code tier}. */
  String customer(String name, String stripeId, String instance, String tier) throws IOException {
    String customer =
        ok(
                "POST",
                "/api/customers",
                admin,
                "{\"name\":\""
                    + name
                    + "\",\"metadata\":{\"stripe_customer_id\":\""
                    + stripeId
                    + "\"}}")
            .path("id")
            .asText();
    String license =
        ok(
                "POST",
                "/api/licenses",
                admin,
                "{\"customer_id\":\"" + customer + "\",\"tier\":\"" + tier + "\"}")
            .path("id")
            .asText();
    return ok(
            "POST",
            "/api/instances",
            admin,
            "{\"id\":\""
                + instance
                + "\",\"license_id\":\""
                + license
                + "\",\"name\":\""
                + name
                + "\"}")
        .path("token")
        .path("token")
        .asText();
  }

  /** Whether the billing queue holds nothing, visible or in flight. */
  boolean billingQueueEmpty() throws IOException {
    try (SqsClient sqs = local.sqs()) {
      String queue = sqs.getQueueUrl(r -> r.queueName("BillingQueue")).queueUrl();
      Map<QueueAttributeName, String> attributes =
          sqs.getQueueAttributes(
                  r ->
                      r.queueUrl(queue)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributes();
      return "0".equals(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
          && "0"
              .equals(
                  attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
  }

  /**
   * Puts every billing message the outbox holds on the billing queue again, as SQS redelivering
   * them; how many.
   */
  int redeliverBillingMessages() throws IOException {
    int sent = 0;
    try (DynamoDbClient dynamo = local.dynamo();
        SqsClient sqs = local.sqs()) {
      String queue = sqs.getQueueUrl(r -> r.queueName("BillingQueue")).queueUrl();
      for (Map<String, AttributeValue> item :
          dynamo.scanPaginator(r -> r.tableName("OutboxTable")).items()) {
        AttributeValue target = item.get("queue");
        if (target != null && "billing".equals(target.s())) {
          sqs.sendMessage(r -> r.queueUrl(queue).messageBody(item.get("message").s()));
          sent++;
        }
      }
    }
    return sent;
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    try {
      if (local != null) {
        local.close();
      }
    } finally {
      if (stripe != null) {
        stripe.close();
      }
    }
  }
}
