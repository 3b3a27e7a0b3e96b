package sh.kaiten.domain.memory;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.crm.CrmConnector;
import sh.kaiten.domain.crm.CrmConnectors;

/** CRM connectors in memory, for unit tests. */
public final class InMemoryCrmConnectors implements CrmConnectors {
  private final Map<String, CrmConnector> connectors = new ConcurrentHashMap<>();

  @Override
  public Optional<CrmConnector> find(String tenantId) {
    return Optional.ofNullable(connectors.get(tenantId));
  }

  @Override
  public void put(CrmConnector connector) {
    connectors.put(connector.tenantId(), connector);
  }

  @Override
  public boolean delete(String tenantId) {
    return connectors.remove(tenantId) != null;
  }

  @Override
  public boolean markDailyPushed(String tenantId, LocalDate day) {
    return connectors.computeIfPresent(
            tenantId,
            (id, c) -> new CrmConnector(id, c.url(), c.secret(), day, c.createdAt(), c.updatedAt()))
        != null;
  }
}
