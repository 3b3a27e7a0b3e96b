package sh.kaiten.domain.webhooks;

/**
 * Port: which webhook URLs a deployment may call (no private, loopback or link-local targets,
 * unless allowed).
 */
public interface WebhookUrlPolicy {
  /**
   * @throws sh.kaiten.domain.error.InvalidInputException naming {@code url} when the URL is refused
   */
  void requireAllowed(String url);
}
