package sh.kaiten.domain.audit;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The deployment's digest key (a Secrets Manager secret): each digest's hash is signed with it
 * (HMAC-SHA256), so someone who can write the audit table but does not hold the key cannot rewrite
 * a record and then recompute the chain over it. Only the scheduler (which signs) and admin-api
 * (which verifies) are given it.
 */
public final class DigestKey {
  private static final String HMAC = "HmacSHA256";
  private final SecretKeySpec key;

  public DigestKey(String secret) {
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("the audit digest key must be at least 32 characters");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
  }

  /** The signature of a digest hash, hex. */
  public String sign(String hash) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(hash.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is required by every JVM", e);
    }
  }

  /** True when the digest carries this key's signature of its hash (compared in constant time). */
  boolean signed(AuditDigest digest) {
    return digest.signature() != null
        && MessageDigest.isEqual(
            sign(digest.hash()).getBytes(StandardCharsets.US_ASCII),
            digest.signature().getBytes(StandardCharsets.US_ASCII));
  }
}
