package sh.kaiten.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.adapters.dynamodb.DynamoInstanceReads;
import sh.kaiten.adapters.dynamodb.DynamoUsageCounters;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/** The near-limit page: who is at or above a percentage of a limit, highest first. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsoleLimitsTest {
  private ProductPage tenant;
  private ConsoleClient console;

  @BeforeEach
  void usage() {
    DeploymentStores stores = DeploymentStores.of("ConsoleFunction");
    tenant = stores.productPage();
    // Reported through the tests' own client and the same use case usage-api runs.
    var dynamo = LocalAwsResource.localAws().dynamo();
    AdminStores catalog = stores.catalog();
    String usage = stores.table("KAITEN_TABLE_USAGE");
    DynamoUsageCounters counters = new DynamoUsageCounters(dynamo, usage);
    UsageReporting reporting =
        new UsageReporting(
            catalog.definitions(),
            new InstanceLookup(
                catalog.definitions(),
                catalog.instances(),
                catalog.licenses(),
                new DynamoInstanceReads(dynamo, stores.table("KAITEN_TABLE_CATALOG"), usage)),
            counters,
            signal -> {},
            Clock.systemUTC(),
            Duration.ofHours(24));
    reporting.report(
        tenant.adminToken(),
        ProductPage.INSTANCE,
        new UsageReport("api-calls", new BigDecimal("85000"), null));
    reporting.report(
        tenant.adminToken(),
        ProductPage.STAGING,
        new UsageReport("api-calls", new BigDecimal("100000"), null));
    console = ConsoleClient.signIn(tenant.adminSecret());
  }

  private Response limits(String percent) {
    return console.get("/console/limits", percent == null ? Map.of() : Map.of("percent", percent));
  }

  @Test
  void eightyPercentByDefaultHighestFirstEachLinkingToItsInstance() {
    Response answer = limits(null);

    assertThat(answer.statusCode()).isEqualTo(200);
    String html = answer.asString();
    assertThat(html)
        .contains("value=\"80\"")
        .contains("2 limits at or above 80 %")
        .containsPattern(
            "(?s)data-instance=\"acme-staging\".*<a href=\"/console/instances/acme-staging\">.*"
                + "<td>100000</td><td>100000</td><td class=\"percentage\">100.0 %</td><td>HARD</td>\\s*"
                + "<td class=\"status status-REJECTED\">REJECTED</td>.*"
                + "data-instance=\"acme-prod\".*<td>Acme Corp</td>.*"
                + "<td>85000</td><td>100000</td><td class=\"percentage\">85.0 %</td>");

    assertThat(limits("90").asString())
        .contains("1 limits at or above 90 %")
        .contains("data-instance=\"acme-staging\"")
        .doesNotContain("data-instance=\"acme-prod\"");
    assertThat(limits("100.1").asString())
        .contains("No instance is at or above 100.1 % of any limit.");
  }

  @Test
  void aBadPercentageIs400AndAnotherTenantSeesNoneOfThese() {
    Response words = limits("lots");
    assertThat(words.statusCode()).isEqualTo(400);
    assertThat(words.asString()).contains("percent must be a number from 0 to 1000");
    assertThat(limits("2000").statusCode()).isEqualTo(400);

    ProductPage other = DeploymentStores.of("ConsoleFunction").productPage();
    assertThat(
            ConsoleClient.signIn(other.adminSecret())
                .get("/console/limits", Map.of("percent", "0"))
                .asString())
        .doesNotContain("85000")
        .doesNotContain("100000</td><td>100000");
  }
}
