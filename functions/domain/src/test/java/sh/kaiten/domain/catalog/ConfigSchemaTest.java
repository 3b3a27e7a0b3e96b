package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.InvalidInputException;

class ConfigSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String THEME_SCHEMA =
      """
      {"type":"object","required":["color"],"additionalProperties":false,
       "properties":{"color":{"type":"string","enum":["gray","indigo"]},
                     "logos":{"type":"array","items":{"type":"string"},"maxItems":2}}}""";

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static Entitlement theme() throws Exception {
    return new Entitlement(
        "theme", "Theme", EntitlementType.CONFIG, null, json(THEME_SCHEMA), Instant.EPOCH);
  }

  @Test
  void aValueTheSchemaAcceptsIsKept() throws Exception {
    EntitlementValue value =
        EntitlementValue.fromJson("overrides.theme", theme(), json("{\"color\":\"indigo\"}"));

    assertThat(value).isEqualTo(new EntitlementValue.Config(json("{\"color\":\"indigo\"}")));
  }

  @Test
  void aValueThatBreaksTheSchemaIsRefusedNamingThePathThatFailed() throws Exception {
    assertThatThrownBy(
            () ->
                EntitlementValue.fromJson("overrides.theme", theme(), json("{\"color\":\"red\"}")))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> {
              assertThat(e.field()).isEqualTo("overrides.theme.color");
              assertThat(e.getMessage())
                  .startsWith("overrides.theme does not match the entitlement's config_schema: ")
                  .contains("overrides.theme.color");
            });
    assertThatThrownBy(
            () ->
                EntitlementValue.fromJson(
                    "entitlements.theme",
                    theme(),
                    json("{\"color\":\"gray\",\"logos\":[\"a\",\"b\",\"c\"]}")))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("entitlements.theme.logos"));
    assertThatThrownBy(
            () ->
                EntitlementValue.fromJson(
                    "entitlements.theme",
                    theme(),
                    json("{\"color\":\"gray\",\"logos\":[\"a\",7]}")))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("entitlements.theme.logos[1]"));
    assertThatThrownBy(() -> EntitlementValue.fromJson("entitlements.theme", theme(), json("{}")))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("entitlements.theme"));
    assertThatThrownBy(
            () -> EntitlementValue.fromJson("entitlements.theme", theme(), json("\"indigo\"")))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("entitlements.theme"));
  }

  @Test
  void aSchemaThatIsNotJsonSchemaIsRefused() {
    assertThatThrownBy(
            () ->
                new Entitlement(
                    "theme",
                    "Theme",
                    EntitlementType.CONFIG,
                    null,
                    json("{\"type\":\"colour\"}"),
                    Instant.EPOCH))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> {
              assertThat(e.field()).startsWith("config_schema");
              assertThat(e.getMessage()).contains("is not a valid JSON Schema");
            });
    assertThatThrownBy(
            () ->
                new Entitlement(
                    "theme",
                    "Theme",
                    EntitlementType.CONFIG,
                    null,
                    json("{\"properties\":{\"color\":{\"minLength\":-1}}}"),
                    Instant.EPOCH))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("config_schema.properties.color.minLength"));
  }
}
