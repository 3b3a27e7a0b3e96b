package sh.kaiten.domain.webhooks;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing secrets as Standard Webhooks writes them: {@code whsec_} and the base64 of 32 random
 * bytes.
 */
public final class WebhookSecrets {
  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSecrets() {}

  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    // Standard base64 (not URL-safe): the spec's libraries decode it that way.
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }
}
