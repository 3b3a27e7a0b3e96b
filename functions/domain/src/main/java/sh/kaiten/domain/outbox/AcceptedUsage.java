package sh.kaiten.domain.outbox;

import java.util.List;
import java.util.Objects;

/**
 * The reports one write counted, as the billing stream carries them: written into the outbox in the
 * write's own transaction, so a counted report is on the stream exactly when it was counted.
 *
 * @param id names this part of the write for good (its audit record's id); the outbox item's key
 * @param instanceId the instance that reported: its license's customer is the one billed
 */
public record AcceptedUsage(
    String id, String tenantId, String instanceId, List<AcceptedReport> reports) {
  public AcceptedUsage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(instanceId, "instanceId");
    reports = List.copyOf(reports);
    for (AcceptedReport report : reports) {
      if (!report.tenantId().equals(tenantId)) {
        throw new IllegalArgumentException("a report of another tenant: " + report.tenantId());
      }
    }
  }
}
