package sh.kaiten.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Catalog files as written by hand: YAML (comments allowed) or JSON, one file or a folder of them
 * whose {@code entitlements}, {@code tiers} and {@code webhooks} lists are joined, in file name
 * order.
 */
public final class CatalogFiles {
  /** YAML reads JSON too; decimals stay exact. */
  static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final List<String> LISTS = List.of("entitlements", "tiers");
  private static final String WEBHOOKS = "webhooks";

  private CatalogFiles() {}

  /** The catalog a file or a folder says, as one JSON tree. */
  public static ObjectNode read(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return readOne(path);
    }
    ObjectNode catalog = JsonNodeFactory.instance.objectNode();
    LISTS.forEach(catalog::putArray);
    List<Path> files;
    try (Stream<Path> listed = Files.list(path)) {
      files =
          listed
              .filter(file -> file.getFileName().toString().matches(".*\\.(ya?ml|json)$"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException(path + " holds no .yaml, .yml or .json file");
    }
    for (Path file : files) {
      ObjectNode part = readOne(file);
      for (String list : LISTS) {
        ((ArrayNode) catalog.get(list)).addAll((ArrayNode) part.withArray(list));
      }
      // Only a folder that has a webhooks section manages the endpoints (one without leaves them).
      if (part.has(WEBHOOKS)) {
        catalog.withArray(WEBHOOKS).addAll((ArrayNode) part.get(WEBHOOKS));
      }
    }
    return catalog;
  }

  /** The catalog of one file's content, {@code name} saying where it came from in errors. */
  public static ObjectNode read(InputStream content, String name) throws IOException {
    return checked(YAML.readTree(content), name);
  }

  private static ObjectNode readOne(Path file) throws IOException {
    return checked(YAML.readTree(file.toFile()), file.toString());
  }

  private static ObjectNode checked(JsonNode node, String name) throws IOException {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!node.isObject()) {
      throw new IOException(
          name + " is not a catalog: it must be a map with entitlements and tiers");
    }
    for (String list : List.of("entitlements", "tiers", WEBHOOKS)) {
      if (node.has(list) && !node.get(list).isArray()) {
        throw new IOException(name + ": " + list + " must be a list");
      }
    }
    return (ObjectNode) node;
  }

  /** A catalog as YAML, as {@code kaiten export} writes it. */
  public static String yaml(JsonNode catalog) throws IOException {
    return YAML.writeValueAsString(catalog);
  }
}
