package sh.kaiten.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The server's 200 answer to a usage batch: per report, a {@code result} or an {@code error}. Read
 * whole before anything is settled, so a report leaves the queue only with an answer of its own.
 */
final class BatchAnswer {
  private final JsonNode[] items;

  /**
   * Why the answer cannot settle the batch (a report without its answer, an error worth retrying);
   * null when it can.
   */
  final String unsettled;

  private BatchAnswer(JsonNode[] items, String unsettled) {
    this.items = items;
    this.unsettled = unsettled;
  }

  static BatchAnswer read(byte[] body, int reports) {
    JsonNode[] items = new JsonNode[reports];
    JsonNode results;
    try {
      results = Transport.JSON.readTree(body).path("results");
    } catch (IOException e) {
      return new BatchAnswer(items, "the answer is not JSON: " + e.getMessage());
    }
    if (reports > 0 && !results.isArray()) {
      return new BatchAnswer(items, "the answer holds no results");
    }
    for (JsonNode item : results) {
      JsonNode index = item.get("index");
      if (index == null
          || !index.canConvertToInt()
          || index.asInt() < 0
          || index.asInt() >= reports) {
        return new BatchAnswer(
            items, "the answer holds a result for no report of the batch: " + item);
      }
      items[index.asInt()] = item;
    }
    int answered = 0;
    for (JsonNode item : items) {
      if (item == null) {
        continue;
      }
      if (!item.path("error").isObject() && !item.path("result").isObject()) {
        return new BatchAnswer(items, "the answer holds neither a result nor an error: " + item);
      }
      int status = item.path("error").path("status").asInt(400);
      if (item.path("error").isObject() && (status == 429 || status >= 500)) {
        // Not the report's fault: the whole batch is tried again (the keys keep it counted once).
        return new BatchAnswer(
            items, "the server failed a report (" + status + "): " + detail(item.get("error")));
      }
      answered++;
    }
    return new BatchAnswer(
        items,
        answered == reports
            ? null
            : "the answer holds results for " + answered + " of " + reports + " reports");
  }

  /** The error the server refused report {@code index} with, or null when it has a result. */
  JsonNode error(int index) {
    JsonNode error = items[index].get("error");
    return error != null && error.isObject() ? error : null;
  }

  JsonNode result(int index) {
    return items[index].get("result");
  }

  static String detail(JsonNode problem) {
    return problem.path("detail").asText(problem.path("title").asText(""));
  }

  static BigDecimal decimal(JsonNode node) {
    return node != null && node.isNumber() ? node.decimalValue() : null;
  }
}
