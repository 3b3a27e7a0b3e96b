package sh.kaiten.local;

import java.util.LinkedHashMap;
import java.util.Map;

/** A function's {@code Events} in the template: what triggers it. */
final class TemplateEvents {
  private TemplateEvents() {}

  /**
   * The events of {@code type} that are not {@code Enabled: false}, by name, as their Properties.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> enabled(Map<String, Object> events, String type) {
    Map<String, Map<String, Object>> enabled = new LinkedHashMap<>();
    events.forEach(
        (name, value) -> {
          Map<String, Object> event = (Map<String, Object>) value;
          Map<String, Object> properties =
              (Map<String, Object>) event.getOrDefault("Properties", Map.of());
          if (type.equals(event.get("Type"))
              && !"false".equals(String.valueOf(properties.getOrDefault("Enabled", "true")))) {
            enabled.put(name, properties);
          }
        });
    return enabled;
  }
}
