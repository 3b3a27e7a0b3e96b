package sh.kaiten.domain.memory;

import java.util.List;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.metering.QuotaLeases;
import sh.kaiten.domain.metering.QuotaLeasesContract;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.metering.UsageCounters;

/** The in-memory leases keep the port's contract, so the use case's tests mean what they say. */
class InMemoryLeasesContractTest extends QuotaLeasesContract {
  private final SettableClock clock = new SettableClock(NOW);
  private final InMemoryCounters counters = new InMemoryCounters();
  private final InMemoryLeases leases = new InMemoryLeases(counters);

  InMemoryLeasesContractTest() {
    counters.clock = clock;
  }

  @Override
  protected SettableClock clock() {
    return clock;
  }

  @Override
  protected UsageCounters counters() {
    return counters;
  }

  @Override
  protected QuotaLeases leases() {
    return leases;
  }

  @Override
  protected List<String> recorded(String tenantId) {
    synchronized (counters) {
      return counters.audit.stream()
          .filter(record -> record.tenantId().equals(tenantId))
          .map(AuditRecord::id)
          .toList();
    }
  }
}
