package sh.kaiten.domain.webhooks;

/**
 * Where a delivery stands: still being tried, delivered (a 2xx answer), or given up after its last
 * attempt.
 */
public enum DeliveryStatus {
  PENDING,
  SUCCEEDED,
  FAILED
}
