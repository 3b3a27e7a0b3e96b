package sh.kaiten.http;

import jakarta.ws.rs.core.EntityTag;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Cheap revalidation of read answers: a strong entity tag is the SHA-256 of what the answer says,
 * and a request whose {@code If-None-Match} names it is answered 304 (RFC 9110, 13.1.2).
 */
public final class EntityTags {
  private EntityTags() {}

  /** The strong tag of {@code content}: its SHA-256 in hex. */
  public static EntityTag of(byte[] content) {
    try {
      return new EntityTag(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * True when the client holds the current answer: its {@code If-None-Match} is {@code *}, or a
   * list of tags (each quoted or not, strong or weak {@code W/}) naming {@code current}, compared
   * weakly as the RFC says for this header.
   *
   * @param ifNoneMatch the header's values as received (a client may repeat the header); null or
   *     empty for none
   */
  public static boolean unchanged(List<String> ifNoneMatch, EntityTag current) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String header : ifNoneMatch) {
      for (String candidate : header.split(",")) {
        String tag = candidate.strip();
        if (tag.equals("*")) {
          return true;
        }
        if (tag.startsWith("W/")) {
          tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
          tag = tag.substring(1, tag.length() - 1);
        }
        if (tag.equals(current.getValue())) {
          return true;
        }
      }
    }
    return false;
  }
}
