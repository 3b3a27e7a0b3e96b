package sh.kaiten.domain.audit;

import java.util.List;

/**
 * What an action asks the trail to record; {@link Auditing} gives it an id, a time, an expiry and
 * its hash.
 *
 * @param instanceId null when the action concerns no instance
 * @param request a summary of the request, JSON
 * @param result what came of it, JSON
 */
public record AuditEntry(
    String type, String instanceId, List<String> entitlements, String request, String result) {
  public AuditEntry {
    entitlements = entitlements.stream().distinct().sorted().toList();
  }
}
