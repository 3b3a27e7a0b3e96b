package sh.kaiten.domain.access;

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
    char[] body = new char[26];
    long time = now.toEpochMilli();
    for (int i = 9; i >= 0; i--) {
      body[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    for (int i = 10; i < 26; i++) {
      body[i] = ALPHABET[random[i - 10] & 31];
    }
    return prefix + "_" + new String(body);
  }
}
