package sh.kaiten.domain.billing;

import java.time.Instant;
import java.util.List;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;

/** A usage report's audit record as usage-api writes it, for the tests that replay the trail. */
final class ReportRecords {
  private ReportRecords() {}

  static AuditRecord of(
      String tenant,
      String instance,
      Instant at,
      String entitlement,
      String request,
      String result,
      Instant expiresAt) {
    return new AuditRecord(
        Ids.newId(AuditRecord.ID_PREFIX, at),
        tenant,
        at,
        "tok_1",
        ReportedUsage.TYPE,
        instance,
        List.of(entitlement),
        request,
        result,
        "req_1",
        expiresAt,
        "hash");
  }
}
