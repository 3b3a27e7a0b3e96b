package sh.kaiten.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CONFIG payload (JSON) as an OpenFeature {@link Value}: objects, arrays, strings, numbers,
 * booleans, null.
 */
final class PayloadValues {

  private PayloadValues() {}

  /**
   * The payload as a value. A JSON integer that fits an int is an integer, any other number a
   * double (OpenFeature values have no long or decimal: an integer past 2^53 loses precision).
   */
  static Value of(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        Map<String, Value> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
          Map.Entry<String, JsonNode> entry = entries.next();
          fields.put(entry.getKey(), of(entry.getValue()));
        }
        return new Value(new ImmutableStructure(fields));
      case ARRAY:
        List<Value> items = new ArrayList<>(node.size());
        node.forEach(item -> items.add(of(item)));
        return new Value(items);
      case STRING:
        return new Value(node.textValue());
      case NUMBER:
        return node.isIntegralNumber() && node.canConvertToInt()
            ? new Value(node.intValue())
            : new Value(node.doubleValue());
      case BOOLEAN:
        return new Value(node.booleanValue());
      case NULL:
      case MISSING:
        return new Value();
      default:
        // BINARY and POJO nodes are built in code, never parsed from the server's JSON.
        throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }

  /**
   * What a CONFIG entitlement that is not granted answers: an empty object, as the server's OFREP
   * does.
   */
  static Value emptyObject() {
    return new Value(new ImmutableStructure());
  }
}
