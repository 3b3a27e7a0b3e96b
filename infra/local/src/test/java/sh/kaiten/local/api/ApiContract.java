package sh.kaiten.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import sh.kaiten.local.aws.CloudFormationTemplate;

/**
 * The published API contract, {@code docs/api/openapi.yaml}: the parts the HTTP functions' builds
 * write (quarkus-smallrye-openapi, from their JAX-RS resources, into {@code target/openapi} beside
 * the function's artifact) merged into one document, with what holds for every route said once
 * here: every 4xx and 5xx answer is a problem document, and a field the API leaves empty is written
 * as null.
 */
public final class ApiContract {
  public static final Path TEMPLATE = CloudFormationTemplate.locate(Path.of(""));
  public static final Path DOCUMENT = TEMPLATE.getParent().resolve("docs/api/openapi.yaml");
  static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final String PROBLEM = "#/components/responses/Problem";
  private static final List<String> COMPONENT_SECTIONS =
      List.of("schemas", "responses", "securitySchemes");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private ApiContract() {}

  /** The HTTP functions' logical ids in the template, each with where its build writes its part. */
  public static Map<String, Path> parts(CloudFormationTemplate template) {
    Map<String, Path> parts = new LinkedHashMap<>();
    template
        .resourcesOfType("AWS::Serverless::Function")
        .forEach(
            (function, resource) -> {
              if (!httpRoutes(resource).isEmpty()) {
                String codeUri = (String) properties(resource).get("CodeUri");
                parts.put(
                    function,
                    TEMPLATE
                        .getParent()
                        .resolve(codeUri)
                        .getParent()
                        .resolve("openapi/openapi.yaml"));
              }
            });
    return parts;
  }

  /**
   * Whether a route is the console's: its pages serve people with a session cookie, not the API, so
   * they have no part in the contract and no bearer token to test.
   */
  public static boolean consoleRoute(String path) {
    return path.equals("/console") || path.startsWith("/console/");
  }

  /** Every HttpApi event of the template as {@code METHOD /path} ({@code ANY} for any method). */
  public static List<String> templateRoutes(CloudFormationTemplate template) {
    List<String> routes = new ArrayList<>();
    template
        .resourcesOfType("AWS::Serverless::Function")
        .values()
        .forEach(resource -> routes.addAll(httpRoutes(resource)));
    return routes;
  }

  /** Every operation of the document as {@code METHOD /path}. */
  public static Set<String> operations(JsonNode document) {
    Set<String> operations = new TreeSet<>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            item ->
                item.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (ApiContract.METHODS.contains(method)) {
                            operations.add(method.toUpperCase() + " " + item.getKey());
                          }
                        }));
    return operations;
  }

  /** The document the parts make, as it is committed. */
  public static String merge(List<JsonNode> parts) {
    ObjectNode document = JSON.objectNode();
    for (String field : List.of("openapi", "info", "security")) {
      document.set(field, same(parts, field));
    }
    Map<String, ObjectNode> paths = new TreeMap<>();
    Map<String, Map<String, JsonNode>> components = new LinkedHashMap<>();
    Map<String, JsonNode> tags = new TreeMap<>();
    for (JsonNode part : parts) {
      part.path("paths")
          .fields()
          .forEachRemaining(
              path ->
                  path.getValue()
                      .fields()
                      .forEachRemaining(
                          operation -> {
                            ObjectNode item =
                                paths.computeIfAbsent(path.getKey(), key -> JSON.objectNode());
                            if (item.has(operation.getKey())) {
                              throw new IllegalStateException(
                                  operation.getKey()
                                      + " "
                                      + path.getKey()
                                      + " is in two functions");
                            }
                            item.set(operation.getKey(), operation.getValue());
                          }));
      for (String section : COMPONENT_SECTIONS) {
        part.path("components")
            .path(section)
            .fields()
            .forEachRemaining(
                component -> {
                  JsonNode known =
                      components
                          .computeIfAbsent(section, key -> new TreeMap<>())
                          .putIfAbsent(component.getKey(), component.getValue());
                  if (known != null && !known.equals(component.getValue())) {
                    throw new IllegalStateException(
                        "two functions describe "
                            + section
                            + "."
                            + component.getKey()
                            + " differently: name one of them apart with @Schema(name = ...)");
                  }
                });
      }
      part.path("tags").forEach(tag -> tags.put(tag.path("name").asText(), tag));
    }
    paths.values().forEach(ApiContract::problemsForEveryError);
    components
        .getOrDefault("schemas", Map.of())
        .values()
        .forEach(ApiContract::nullWhereNotRequired);
    if (!tags.isEmpty()) {
      document.set("tags", JSON.arrayNode().addAll(tags.values()));
    }
    document.set("paths", JSON.objectNode().setAll(paths));
    ObjectNode componentsNode = document.putObject("components");
    components.forEach(
        (section, named) -> componentsNode.set(section, JSON.objectNode().setAll(named)));
    try {
      return YAML.writeValueAsString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String committed() throws IOException {
    return Files.exists(DOCUMENT) ? Files.readString(DOCUMENT) : "";
  }

  /** A field all the parts give alike (the API's title, its security). */
  private static JsonNode same(List<JsonNode> parts, String field) {
    JsonNode value = parts.get(0).get(field);
    for (JsonNode part : parts) {
      if (value == null || !value.equals(part.get(field))) {
        throw new IllegalStateException(
            "the functions' parts disagree on "
                + field
                + " (or lack it): each takes"
                + " it from kaiten-http's package-info");
      }
    }
    return value;
  }

  /**
   * Every 4xx and 5xx is a problem document: an error status the operation documents without a body
   * (smallrye's "400 Bad Request" of a request body) is one, and so is any other.
   */
  private static void problemsForEveryError(ObjectNode item) {
    item.fields()
        .forEachRemaining(
            operation -> {
              if (METHODS.contains(operation.getKey())) {
                ObjectNode responses = (ObjectNode) operation.getValue().path("responses");
                List<String> bodiless = new ArrayList<>();
                responses
                    .fields()
                    .forEachRemaining(
                        response -> {
                          if (response.getKey().matches("[45]..")
                              && !response.getValue().has("content")) {
                            bodiless.add(response.getKey());
                          }
                        });
                bodiless.forEach(status -> responses.remove(status));
                for (String range : List.of("4XX", "5XX")) {
                  responses.putObject(range).put("$ref", PROBLEM);
                }
              }
            });
  }

  /**
   * The API writes a field it has no value for as null (Jackson's default): say so in the schema.
   */
  private static void nullWhereNotRequired(JsonNode schema) {
    if (!schema.has("properties")) {
      return;
    }
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(name -> required.add(name.asText()));
    ObjectNode properties = (ObjectNode) schema.get("properties");
    properties
        .fields()
        .forEachRemaining(
            property -> {
              if (!required.contains(property.getKey())) {
                properties.set(property.getKey(), nullable((ObjectNode) property.getValue()));
              }
            });
  }

  private static ObjectNode nullable(ObjectNode property) {
    JsonNode type = property.get("type");
    if (type != null && type.isTextual()) {
      property.set("type", JSON.arrayNode().add(type.asText()).add("null"));
    } else if (type instanceof ArrayNode types && !types.toString().contains("\"null\"")) {
      types.add("null");
    } else if (property.has("$ref")) {
      ArrayNode anyOf =
          JSON.arrayNode().add(JSON.objectNode().set("$ref", property.remove("$ref")));
      property.set("anyOf", anyOf.add(JSON.objectNode().put("type", "null")));
    }
    return property;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> properties(Map<String, Object> resource) {
    return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
  }

  @SuppressWarnings("unchecked")
  private static List<String> httpRoutes(Map<String, Object> resource) {
    List<String> routes = new ArrayList<>();
    ((Map<String, Object>) properties(resource).getOrDefault("Events", Map.of()))
        .values()
        .forEach(
            value -> {
              Map<String, Object> event = (Map<String, Object>) value;
              Map<String, Object> route =
                  (Map<String, Object>) event.getOrDefault("Properties", Map.of());
              if ("HttpApi".equals(event.get("Type"))
                  && !consoleRoute(String.valueOf(route.get("Path")))) {
                routes.add(
                    String.valueOf(route.get("Method")).toUpperCase() + " " + route.get("Path"));
              }
            });
    return routes;
  }
}
