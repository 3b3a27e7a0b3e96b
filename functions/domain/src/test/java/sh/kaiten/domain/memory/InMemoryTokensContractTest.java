package sh.kaiten.domain.memory;

import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.access.TokenStoreContract;
import sh.kaiten.domain.events.Event;

/** The in-memory tokens keep the port's contract, so the use cases' tests mean what they say. */
class InMemoryTokensContractTest extends TokenStoreContract {
  private final InMemoryTokens tokens = new InMemoryTokens();

  @Override
  protected TokenStore tokens() {
    return tokens;
  }

  @Override
  protected boolean outboxed(Event event) {
    return tokens.outbox.events.contains(event);
  }
}
