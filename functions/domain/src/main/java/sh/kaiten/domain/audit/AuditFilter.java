package sh.kaiten.domain.audit;

import java.time.Instant;

/**
 * Which records a query wants, newest first: all given criteria must hold.
 *
 * @param instanceId null for any instance
 * @param entitlement null for any entitlement
 * @param type null for any type
 * @param from inclusive, null for the start of retention
 * @param to exclusive, null for now
 */
public record AuditFilter(
    String instanceId, String entitlement, String type, Instant from, Instant to) {}
