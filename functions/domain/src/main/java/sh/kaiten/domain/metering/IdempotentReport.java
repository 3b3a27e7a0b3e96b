package sh.kaiten.domain.metering;

import java.time.Instant;

/**
 * What an idempotency key remembers of the report that first used it.
 *
 * @param fingerprint the report as first sent (entitlement, value, timestamp): the same key with
 *     another report is a conflict
 * @param result the first answer, given again to every replay
 * @param expiresAt when the key may be used again for another report
 */
public record IdempotentReport(
    String tenantId,
    String instanceId,
    String key,
    String fingerprint,
    ReportResult result,
    Instant expiresAt) {}
