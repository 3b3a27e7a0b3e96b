package sh.kaiten.local.aws;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * template.yaml read as plain maps, with CloudFormation's short tags turned into their long form
 * ({@code !Ref X} becomes {@code {Ref: X}}, {@code !GetAtt A.B} becomes {@code {Fn::GetAtt: [A,
 * B]}}).
 */
public final class CloudFormationTemplate {
  private final Map<String, Object> root;

  private CloudFormationTemplate(Map<String, Object> root) {
    this.root = root;
  }

  public static CloudFormationTemplate read(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      Map<String, Object> root = new Yaml(new ShortTags()).load(reader);
      return new CloudFormationTemplate(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** Finds template.yaml in {@code start} or the nearest folder above it. */
  public static Path locate(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("template.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no template.yaml in " + start.toAbsolutePath() + " or above");
  }

  @SuppressWarnings("unchecked")
  public Map<String, Map<String, Object>> resources() {
    return (Map<String, Map<String, Object>>) root.getOrDefault("Resources", Map.of());
  }

  /** The resources of one CloudFormation type, by logical id, in template order. */
  public Map<String, Map<String, Object>> resourcesOfType(String type) {
    Map<String, Map<String, Object>> matching = new LinkedHashMap<>();
    resources()
        .forEach(
            (id, resource) -> {
              if (type.equals(resource.get("Type"))) {
                matching.put(id, resource);
              }
            });
    return matching;
  }

  /** A top-level section (Parameters, Conditions, ...), empty when absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> section(String name) {
    return (Map<String, Object>) root.getOrDefault(name, Map.of());
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> globals(String section) {
    Map<String, Object> globals = (Map<String, Object>) root.getOrDefault("Globals", Map.of());
    return (Map<String, Object>) globals.getOrDefault(section, Map.of());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(Map<String, Object> resource) {
    return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
  }

  /** SnakeYAML constructor that knows CloudFormation's short intrinsic-function tags. */
  private static final class ShortTags extends SafeConstructor {
    ShortTags() {
      super(new LoaderOptions());
      for (String name :
          List.of(
              "Ref",
              "Sub",
              "GetAtt",
              "If",
              "Join",
              "Select",
              "Split",
              "Equals",
              "Not",
              "And",
              "Or",
              "FindInMap",
              "GetAZs",
              "ImportValue",
              "Base64",
              "Condition",
              "Cidr")) {
        String longName = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
        this.yamlConstructors.put(new Tag("!" + name), new Intrinsic(longName));
      }
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String longName;

      Intrinsic(String longName) {
        this.longName = longName;
      }

      @Override
      public Object construct(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
          String text = scalar.getValue();
          value = longName.equals("Fn::GetAtt") ? Arrays.asList(text.split("\\.", 2)) : text;
        } else if (node instanceof SequenceNode sequence) {
          value = constructSequence(sequence);
        } else {
          value = constructMapping((org.yaml.snakeyaml.nodes.MappingNode) node);
        }
        return Map.of(longName, value);
      }
    }
  }
}
