package sh.kaiten.domain.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical form the audit trail hashes: fields in a fixed order, each written as its UTF-8
 * length, a colon and its bytes. Length prefixes make the form unambiguous without any JSON
 * canonicalisation: two field lists give the same bytes only if they are the same list. A null
 * field is written as "", so null and "" hash alike.
 */
final class Canonical {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);

  Canonical(String version) {
    field(version);
  }

  Canonical field(String value) {
    byte[] utf8 = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    bytes.writeBytes((utf8.length + ":").getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(utf8);
    return this;
  }

  /** SHA-256 of the fields written so far, hex. */
  String sha256() {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
