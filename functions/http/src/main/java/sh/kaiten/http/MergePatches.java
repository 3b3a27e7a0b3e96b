package sh.kaiten.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * PATCH as JSON Merge Patch (RFC 7386): the patch is merged into the record as the API shows it,
 * and the result is read as the record's create body, so a change is checked exactly as a creation
 * is. A field left out stays; a field set to null is removed (in nested objects too).
 *
 * <p>The merge is the RFC's ten-line algorithm on Jackson trees; a JSON-P library would mean a
 * second JSON model to convert to and from for no gain.
 */
@ApplicationScoped
public class MergePatches {
  private final ObjectMapper json;

  @Inject
  public MergePatches(JsonSettings settings) {
    this.json = settings.getContext(Object.class);
  }

  /**
   * @param current the record as a GET shows it
   * @param changeable the fields a PATCH of this record may name; any other is refused
   * @param body the type the merged record is read as, with the API's strict JSON rules
   */
  public <T> T apply(Object current, JsonNode patch, List<String> changeable, Class<T> body) {
    if (patch == null || !patch.isObject()) {
      throw new InvalidInputException(null, "a JSON object is required");
    }
    patch
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!changeable.contains(field)) {
                throw new InvalidInputException(
                    field,
                    "field '"
                        + field
                        + "' cannot be changed; a PATCH may change "
                        + String.join(", ", changeable));
              }
            });
    JsonNode merged = merge(json.valueToTree(current), patch);
    try {
      // Read-only fields of the record (created_at, ...) are not part of a create body.
      return json.readerFor(body)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .treeToValue(merged, body);
    } catch (JsonProcessingException e) {
      throw JsonProblems.of(e);
    }
  }

  /** RFC 7386 §2. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> entry :
        (Iterable<Map.Entry<String, JsonNode>>) patch::fields) {
      if (entry.getValue().isNull()) {
        result.remove(entry.getKey());
      } else {
        result.set(entry.getKey(), merge(result.get(entry.getKey()), entry.getValue()));
      }
    }
    return result;
  }
}
