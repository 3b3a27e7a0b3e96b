package sh.kaiten.domain.outbox;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The reports one write counted, as the billing stream carries them: written into the outbox in the
 * write's own transaction, so a counted report is on the stream exactly when it was counted.
 *
 * @param id names this part of the write for good (its audit record's id); the outbox item's key
 * @param instanceId the instance that reported: its license's customer is the one billed
 * @param countedAt when the write counted them (its audit record's time): the order of writes,
 *     which a counter's value follows; null on messages written before it was carried
 */
public record AcceptedUsage(
    String id,
    String tenantId,
    String instanceId,
    List<AcceptedReport> reports,
    Instant countedAt) {
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

  public AcceptedUsage(
      String id, String tenantId, String instanceId, List<AcceptedReport> reports) {
    this(id, tenantId, instanceId, reports, null);
  }
}
