package sh.kaiten.local.aws;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Credentials for the local services, made up per run: they check nothing, so any will do. */
public record LocalCredentials(String accessKeyId, String secretAccessKey) {
  static LocalCredentials generate() {
    SecureRandom random = new SecureRandom();
    byte[] id = new byte[8];
    byte[] secret = new byte[20];
    random.nextBytes(id);
    random.nextBytes(secret);
    return new LocalCredentials(
        "LOCAL" + HexFormat.of().formatHex(id).toUpperCase(), HexFormat.of().formatHex(secret));
  }
}
