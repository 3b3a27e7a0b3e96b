package sh.kaiten.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sh.kaiten.testing.SampleEvents;

/** The schedule's tick as EventBridge sends it, and what its summary says of one tenant. */
final class Ticks {
  private Ticks() {}

  /** One tick, which must fail nothing: its summary. */
  static JsonNode tick() {
    JsonNode summary =
        given()
            .body(SampleEvents.read("scheduler/scheduled-event.json", Map.of()))
            .when()
            .post("/_lambda_")
            .then()
            .statusCode(200)
            .extract()
            .as(JsonNode.class);
    assertThat(summary.get("failures")).isEmpty();
    return summary;
  }

  /** The entries of the summary's {@code field} ("tenant ...") that are the tenant's. */
  static List<String> of(String tenant, JsonNode summary, String field) {
    List<String> entries = new ArrayList<>();
    summary
        .get(field)
        .forEach(
            entry -> {
              if (entry.asText().startsWith(tenant + " ")) {
                entries.add(entry.asText());
              }
            });
    return entries;
  }
}
