package sh.kaiten.domain.webhooks;

/**
 * What one POST to an endpoint gave.
 *
 * @param responseCode the HTTP status, null when no answer came (refused address, timeout,
 *     connection error)
 * @param latencyMs from the start of the attempt to its answer or failure
 * @param error why the attempt failed, null on success
 */
public record AttemptResult(Integer responseCode, long latencyMs, String error) {

  /** Only a 2xx answer delivers; redirects are not followed and count as failures. */
  public boolean succeeded() {
    return responseCode != null && responseCode >= 200 && responseCode < 300;
  }
}
