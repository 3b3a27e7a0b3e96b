package sh.kaiten.domain.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * Generated ids: a prefix naming the kind, then a ULID-like body (48-bit time, 80 random bits, in
 * Crockford base32), so ids sort by creation time.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId(String prefix, Instant now) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    return id(prefix, now, random);
  }

  /**
   * The smallest id of {@code prefix} made at {@code time}: ids made at or after it sort at or
   * after it.
   */
  public static String floor(String prefix, Instant time) {
    return id(prefix, time, new byte[16]);
  }

  /**
   * An id of the same shape whose random part is derived from {@code seed} (SHA-256): the same time
   * and seed always give the same id, so a write keyed by it can be made exactly once.
   */
  public static String derivedId(String prefix, Instant time, String seed) {
    try {
      return id(
          prefix,
          time,
          MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  private static String id(String prefix, Instant time, byte[] bits) {
    char[] body = new char[26];
    long millis = time.toEpochMilli();
    for (int i = 9; i >= 0; i--) {
      body[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    for (int i = 10; i < 26; i++) {
      body[i] = ALPHABET[bits[i - 10] & 31];
    }
    return prefix + "_" + new String(body);
  }
}
