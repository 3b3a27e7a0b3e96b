package sh.kaiten.domain.memory;

import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceReadsContract;
import sh.kaiten.domain.metering.UsageCounters;

/**
 * The in-memory instance reads keep the port's contract, so the use cases' unit tests read what
 * DynamoDB reads.
 */
class InMemoryInstanceReadsContractTest extends InstanceReadsContract {
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryCounters counters = new InMemoryCounters();

  @Override
  protected AdminStores stores() {
    return catalog.adminStores(new InMemoryTokens());
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected InstanceReads reads() {
    return new InMemoryInstanceReads(catalog, counters);
  }
}
