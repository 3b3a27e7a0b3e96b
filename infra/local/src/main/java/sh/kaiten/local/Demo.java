package sh.kaiten.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import sh.kaiten.cli.CatalogFiles;

/**
 * The --demo data, created through the public API so that the product page's curl commands work as
 * printed: the catalog of examples/catalog.yaml (the README's catalog file), a customer on pro and
 * its instance acme-prod.
 */
final class Demo {
  private Demo() {}

  /** examples/catalog.yaml, packed into kaiten-local's jar. */
  static JsonNode catalog() {
    try (InputStream file = Demo.class.getResourceAsStream("catalog.yaml")) {
      if (file == null) {
        throw new IllegalStateException("catalog.yaml is missing from kaiten-local's jar");
      }
      return CatalogFiles.read(file, "examples/catalog.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode seed(ApiClient api, String admin) {
    CatalogApply.apply(api, admin, catalog());
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
