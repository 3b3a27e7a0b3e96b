package sh.kaiten.local;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The --demo catalog, created through the public API so that the product page's curl commands work
 * as printed.
 */
final class Demo {
  private Demo() {}

  static ObjectNode seed(ApiClient api, String admin) {
    api.post(
        "/api/entitlements",
        admin,
        "{\"slug\":\"api-calls\",\"name\":\"API calls\",\"type\":\"NUMERIC\",\"enforcement\":\"HARD\",\"unit\":\"calls\"}");
    api.post(
        "/api/entitlements",
        admin,
        "{\"slug\":\"sso\",\"name\":\"Single sign-on\",\"type\":\"BOOLEAN\"}");
    api.post(
        "/api/entitlements",
        admin,
        "{\"slug\":\"theme\",\"name\":\"Theme\",\"type\":\"CONFIG\","
            + "\"config_schema\":{\"type\":\"object\",\"properties\":{\"color\":{\"type\":\"string\"}}}}");
    api.post(
        "/api/tiers",
        admin,
        "{\"slug\":\"free\",\"name\":\"Free\",\"rank\":1,"
            + "\"entitlements\":{\"api-calls\":1000,\"sso\":false,\"theme\":{\"color\":\"gray\"}}}");
    api.post(
        "/api/tiers",
        admin,
        "{\"slug\":\"pro\",\"name\":\"Pro\",\"rank\":2,"
            + "\"entitlements\":{\"api-calls\":100000,\"sso\":true,\"theme\":{\"color\":\"indigo\"}}}");
    String customer =
        api.post("/api/customers", admin, "{\"name\":\"Acme Corp\"}").path("id").asText();
    String license =
        api.post("/api/licenses", admin, "{\"customer_id\":\"" + customer + "\",\"tier\":\"pro\"}")
            .path("id")
            .asText();
    String token =
        api.post(
                "/api/instances",
                admin,
                "{\"id\":\"acme-prod\",\"license_id\":\""
                    + license
                    + "\",\"name\":\"Acme production\"}")
            .path("token")
            .path("token")
            .asText();
    ObjectNode demo = JsonNodeFactory.instance.objectNode();
    demo.put("customer_id", customer);
    demo.put("license_id", license);
    demo.put("instance_id", "acme-prod");
    demo.put("instance_token", token);
    return demo;
  }
}
