package sh.kaiten.domain.audit;

import java.time.Instant;
import java.util.List;

/**
 * One action as the audit trail keeps it. Records are only ever added; {@link #hash} is taken of
 * the canonical form of every other field when the record is made, so a record changed afterwards
 * no longer matches it, and the hourly digests ({@link AuditDigest}) keep that hash out of reach.
 *
 * @param id sortable by time ({@code aud_} and a ULID-like body)
 * @param actor the id of the token that acted (never the token), or a system actor such as {@code
 *     system:webhook-dispatcher}
 * @param instanceId the instance acted for or on, null when none
 * @param entitlements the entitlement slugs the action concerned, sorted; empty when none
 * @param request a summary of the request, JSON
 * @param result what came of it, JSON
 * @param requestId the API Gateway (or Lambda) request id; null for queue work without one
 */
public record AuditRecord(
    String id,
    String tenantId,
    Instant at,
    String actor,
    String type,
    String instanceId,
    List<String> entitlements,
    String request,
    String result,
    String requestId,
    Instant expiresAt,
    String hash) {
  public static final String ID_PREFIX = "aud";

  public AuditRecord {
    entitlements = List.copyOf(entitlements);
  }

  /** The hash of this record's fields as they are now. */
  public String computedHash() {
    return new Canonical("audit-record/1")
        .field(id)
        .field(tenantId)
        .field(at.toString())
        .field(actor)
        .field(type)
        .field(instanceId)
        .field(String.join(",", entitlements))
        .field(request)
        .field(result)
        .field(requestId)
        .field(Long.toString(expiresAt.getEpochSecond()))
        .sha256();
  }

  /** True when the record still has the fields it was hashed with. */
  public boolean intact() {
    return computedHash().equals(hash);
  }

  public AuditRecord hashed() {
    AuditRecord unhashed =
        new AuditRecord(
            id,
            tenantId,
            at,
            actor,
            type,
            instanceId,
            entitlements,
            request,
            result,
            requestId,
            expiresAt,
            null);
    return new AuditRecord(
        id,
        tenantId,
        at,
        actor,
        type,
        instanceId,
        entitlements,
        request,
        result,
        requestId,
        expiresAt,
        unhashed.computedHash());
  }
}
