package sh.kaiten.domain.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Token secrets: how they are made, and the one-way hash that is all we store of them. */
public final class Secrets {
  public static final String TOKEN_PREFIX = "ksh_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A new bearer token: {@code ksh_} and 256 random bits. Shown once, never stored. */
  public static String newToken() {
    return newSecret(TOKEN_PREFIX);
  }

  /** {@code prefix} and 256 random bits, base64url: 43 characters after the prefix. */
  public static String newSecret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * SHA-256 of the token, hex. A fast hash is enough: tokens carry 256 random bits, so there is
   * nothing to brute-force, and a lookup by hash stays one key read.
   */
  public static String hash(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /** Compares two secrets in time independent of where they differ. */
  public static boolean sameSecret(String given, String expected) {
    return MessageDigest.isEqual(
        hash(given).getBytes(StandardCharsets.US_ASCII),
        hash(expected).getBytes(StandardCharsets.US_ASCII));
  }
}
