package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.access.TokenStoreContract;
import sh.kaiten.domain.events.Event;

/**
 * The DynamoDB tokens keep the port's contract, on DynamoDB Local with the template's Tokens table.
 */
class DynamoTokenStoreContractTest extends TokenStoreContract {
  private final DynamoTokenStore tokens =
      new DynamoTokenStore(
          SuiteLocalAws.dynamo(), SuiteLocalAws.table("TokensTable"), SuiteLocalAws.changes());

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected TokenStore tokens() {
    return tokens;
  }

  @Override
  protected boolean outboxed(Event event) {
    return SuiteLocalAws.outboxed(event.id());
  }
}
