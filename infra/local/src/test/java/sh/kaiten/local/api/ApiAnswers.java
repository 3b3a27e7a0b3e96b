package sh.kaiten.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an answer of the API against the contract: its status is documented for its operation, its
 * content type is one the status documents, and its body matches that content's schema (networknt's
 * JSON Schema validator, in the OpenAPI 3.1 dialect; NDJSON line by line).
 */
public final class ApiAnswers {
  /** Where the schemas' {@code $ref}s find the document. */
  private static final String DOCUMENT_IRI = "https://contract.kaiten.local/openapi.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode document;
  private final SchemaRegistry registry;

  private ApiAnswers(JsonNode document) {
    this.document = document;
    this.registry =
        SchemaRegistry.withDialect(
            Dialects.getOpenApi31(),
            builder -> builder.schemas(Map.of(DOCUMENT_IRI, document.toString())));
  }

  public static ApiAnswers ofCommittedDocument() {
    return new ApiAnswers(ApiContract.read(ApiContract.DOCUMENT));
  }

  /** Every operation of the document as {@code METHOD /path}. */
  public Set<String> operations() {
    return ApiContract.operations(document);
  }

  /**
   * What breaks the contract in this answer to {@code method route} ({@code route} as the document
   * names it, e.g. {@code /api/tiers/{slug}}); empty when nothing does.
   */
  public List<String> breaches(
      String method, String route, int status, String contentType, String body) {
    String operation = method + " " + route + " → " + status;
    JsonNode responses =
        document.path("paths").path(route).path(method.toLowerCase()).path("responses");
    if (responses.isMissingNode()) {
      return List.of(method + " " + route + " is not in the document");
    }
    JsonNode response = first(responses, String.valueOf(status), status / 100 + "XX", "default");
    if (response == null) {
      return List.of(operation + ": the status is not documented");
    }
    JsonNode content = resolve(response).path("content");
    if (body == null || body.isEmpty()) {
      return List.of();
    }
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
    if (!content.has(mediaType)) {
      return List.of(
          operation + ": content type " + contentType + " is not one of " + names(content));
    }
    String schema =
        content
            .path(mediaType)
            .path("schema")
            .toString()
            .replace("\"#/", "\"" + DOCUMENT_IRI + "#/");
    List<String> breaches = new ArrayList<>();
    if (mediaType.endsWith("json")) {
      breaches.addAll(validate(operation, schema, body));
    } else if (mediaType.equals("application/x-ndjson")) {
      body.lines().forEach(line -> breaches.addAll(validate(operation, schema, line)));
    }
    return breaches;
  }

  private List<String> validate(String operation, String schema, String json) {
    JsonNode value;
    try {
      value = JSON.readTree(json);
    } catch (IOException e) {
      return List.of(operation + ": the body is not JSON: " + json);
    }
    List<Error> errors = registry.getSchema(schema, InputFormat.JSON).validate(value);
    return errors.stream().map(error -> operation + ": " + error + " in " + json).toList();
  }

  private static JsonNode first(JsonNode responses, String... keys) {
    for (String key : keys) {
      if (responses.has(key)) {
        return responses.get(key);
      }
    }
    return null;
  }

  /** A response given by {@code $ref} (the shared problem response) as the document defines it. */
  private JsonNode resolve(JsonNode response) {
    String ref = response.path("$ref").asText("");
    return ref.startsWith("#/") ? document.at(ref.substring(1)) : response;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
