package sh.kaiten.domain.metering;

/**
 * ACCEPTED: room left. EXCEEDED: a SOFT limit is reached or passed, reports still count. REJECTED:
 * further reports are refused (a HARD limit reached, an overage cap reached, or an inactive
 * license).
 */
public enum UsageStatus {
  ACCEPTED,
  EXCEEDED,
  REJECTED
}
