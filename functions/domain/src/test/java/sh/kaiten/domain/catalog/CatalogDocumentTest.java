package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The published catalog file format, on the demo's file (examples/catalog.yaml). */
class CatalogDocumentTest {
  private static final File DEMO = new File("../../examples/catalog.yaml");

  @Test
  void theDemoCatalogFileIsValidAndSaysTheDemo() throws Exception {
    Catalog demo = CatalogDocument.read(new YAMLMapper().readTree(DEMO));

    assertThat(demo.entitlements())
        .extracting(Entitlement::slug)
        .containsExactly("api-calls", "sso", "theme");
    Metering apiCalls = demo.entitlement("api-calls").orElseThrow().metering();
    assertThat(apiCalls.enforcement()).isEqualTo(Enforcement.HARD);
    assertThat(apiCalls.unit()).isEqualTo("calls");
    assertThat(demo.tiers()).extracting(Tier::slug).containsExactly("free", "pro");
    assertThat(demo.tier("pro").orElseThrow().entitlements().get("api-calls"))
        .isEqualTo(new EntitlementValue.Quota(new BigDecimal("100000")));
  }

  @Test
  void aWrittenCatalogReadsBackToTheSameCatalog() throws Exception {
    Catalog demo = CatalogDocument.read(new YAMLMapper().readTree(DEMO));
    JsonNode written = CatalogDocument.write(demo);

    assertThat(CatalogDocument.write(CatalogDocument.read(written))).isEqualTo(written);
    assertThat(written.path("entitlements").get(0).path("metering").path("aggregation").asText())
        .isEqualTo("SUM");
  }

  @Test
  void canonicalTextIgnoresFieldOrderAndNumberScale() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    assertThat(CatalogDocument.canonical(yaml.readTree("{b: 1.50, a: [1000]}")))
        .isEqualTo(CatalogDocument.canonical(yaml.readTree("{a: [1e3], b: 1.5}")))
        .isEqualTo("{\"a\":[1000],\"b\":1.5}");
  }
}
