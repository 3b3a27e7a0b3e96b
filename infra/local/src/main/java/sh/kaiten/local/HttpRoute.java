package sh.kaiten.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One HttpApi event of the template: a method and path template routed to a function. */
record HttpRoute(String method, String path, LocalFunction function) {

  String routeKey() {
    return method.equals("ANY") ? "ANY " + path : method + " " + path;
  }

  /** The path parameters when {@code requestPath} matches this route's template, else empty. */
  Optional<Map<String, String>> match(String requestMethod, String requestPath) {
    if (!method.equals("ANY") && !method.equalsIgnoreCase(requestMethod)) {
      return Optional.empty();
    }
    List<String> template = segments(path);
    List<String> actual = segments(requestPath);
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String part = template.get(i);
      if (part.startsWith("{") && part.endsWith("+}")) {
        if (i >= actual.size()) {
          return Optional.empty();
        }
        parameters.put(
            part.substring(1, part.length() - 2),
            String.join("/", actual.subList(i, actual.size())));
        return Optional.of(parameters);
      }
      if (i >= actual.size()) {
        return Optional.empty();
      }
      if (part.startsWith("{") && part.endsWith("}")) {
        parameters.put(part.substring(1, part.length() - 1), actual.get(i));
      } else if (!part.equals(actual.get(i))) {
        return Optional.empty();
      }
    }
    return template.size() == actual.size() ? Optional.of(parameters) : Optional.empty();
  }

  /**
   * Higher is more specific, as API Gateway prefers: literal segments, then fixed length, then a
   * named method.
   */
  int specificity() {
    int score = 0;
    for (String part : segments(path)) {
      score += part.endsWith("+}") ? 0 : part.startsWith("{") ? 10 : 100;
    }
    return score * 2 + (method.equals("ANY") ? 0 : 1);
  }

  private static List<String> segments(String path) {
    return List.of(path.replaceAll("^/+|/+$", "").split("/+"));
  }
}
