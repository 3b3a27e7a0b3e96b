package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeActivityContract;

/**
 * The DynamoDB Stripe activity keeps the port's contract, on DynamoDB Local with the template's
 * Usage table.
 */
class DynamoStripeActivityContractTest extends StripeActivityContract {
  private final DynamoStripeActivity activity =
      new DynamoStripeActivity(SuiteLocalAws.dynamo(), SuiteLocalAws.table("UsageTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected StripeActivity activity() {
    return activity;
  }
}
