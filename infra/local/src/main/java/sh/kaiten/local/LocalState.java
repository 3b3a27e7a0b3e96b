package sh.kaiten.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * kaiten-local.json: the ids and tokens kaiten-local created (tokens are shown once by the API, so
 * this file is how a restart, or a script, finds them again). Written with owner-only permissions.
 */
final class LocalState {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path file;
  private final ObjectNode root;

  private LocalState(Path file, ObjectNode root) {
    this.file = file;
    this.root = root;
  }

  static LocalState load(Path file) {
    try {
      return new LocalState(
          file,
          Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** An empty state that will be written to {@code file}, whatever an earlier run left there. */
  static LocalState fresh(Path file) {
    return new LocalState(file, JSON.createObjectNode());
  }

  ObjectNode root() {
    return root;
  }

  Path file() {
    return file;
  }

  void save() {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temporary.toFile(), root);
      temporary.toFile().setReadable(false, false);
      temporary.toFile().setReadable(true, true);
      Files.move(
          temporary,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
