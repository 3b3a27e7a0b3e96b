package sh.kaiten.domain.archfixture.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Breaks {@code DomainRules.PLAIN_JAVA_ONLY} on purpose: a domain class doing I/O. */
public final class ReadsAFile {
  public String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
