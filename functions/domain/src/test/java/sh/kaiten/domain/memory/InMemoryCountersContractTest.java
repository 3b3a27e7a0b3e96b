package sh.kaiten.domain.memory;

import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageCountersContract;

/** The in-memory counters keep the port's contract, so the use cases' tests mean what they say. */
class InMemoryCountersContractTest extends UsageCountersContract {
  private final InMemoryCounters counters = new InMemoryCounters();

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected java.util.List<String> recorded(String tenantId) {
    synchronized (counters) {
      return counters.audit.stream()
          .filter(record -> record.tenantId().equals(tenantId))
          .map(sh.kaiten.domain.audit.AuditRecord::id)
          .toList();
    }
  }
}
