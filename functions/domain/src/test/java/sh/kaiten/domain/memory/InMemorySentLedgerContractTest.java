package sh.kaiten.domain.memory;

import sh.kaiten.domain.billing.SentLedger;
import sh.kaiten.domain.billing.SentLedgerContract;

/** The in-memory ledger keeps the port's contract, so the delivery tests mean what they say. */
class InMemorySentLedgerContractTest extends SentLedgerContract {
  private final InMemorySentLedger ledger = new InMemorySentLedger();

  @Override
  protected SentLedger ledger() {
    return ledger;
  }
}
