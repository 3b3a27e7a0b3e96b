package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.access.TokenStoreContract;
import sh.kaiten.domain.events.Event;

/** The DynamoDB tokens keep the port's contract, on DynamoDB Local with the template's Tokens table. */
class DynamoTokenStoreContractTest extends TokenStoreContract {
  private final DynamoTokenStore tokens =
      new DynamoTokenStore(SharedLocalAws.dynamo(), SharedLocalAws.table("TokensTable"), SharedLocalAws.changes());

  @Override
  protected TokenStore tokens() {
    return tokens;
  }

  @Override
  protected boolean outboxed(Event event) {
    return SharedLocalAws.outboxed(event.id());
  }
}
