package sh.kaiten.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.testing.DeploymentStores;
import sh.kaiten.testing.DynamoRequests;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/**
 * What each page costs in DynamoDB round trips (BENCHMARKS.md lists them): the product page's
 * tenant, one license with two instances; a page's requests are its session's two reads and what
 * its use cases read.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "ConsoleFunction"))
class ConsolePageRequestsTest {
  @Inject DynamoRequests requests;

  @Test
  void eachPageReadsWhatItShowsInAFewRequests() {
    ProductPage tenant = DeploymentStores.of("ConsoleFunction").productPage();
    ConsoleClient console = ConsoleClient.signIn(tenant.adminSecret());
    String csrf = console.csrf();
    Map<String, List<String>> made = new LinkedHashMap<>();
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("customers", "/console/customers");
    pages.put("license", "/console/licenses/" + tenant.licenseId());
    pages.put("instance", "/console/instances/" + ProductPage.INSTANCE);
    pages.put("tiers", "/console/tiers");
    pages.put("limits", "/console/limits");
    pages.put("webhooks", "/console/webhooks");
    pages.put("audit", "/console/audit");
    pages.forEach(
        (name, path) -> {
          requests.clear();
          assertThat(console.get(path).statusCode()).as(path).isEqualTo(200);
          made.put(name, requests.operations());
        });
    requests.clear();
    assertThat(
            console
                .post(
                    "/console/licenses/" + tenant.licenseId() + "/preview",
                    Map.of("csrf", csrf, "change", "suspend"))
                .statusCode())
        .isEqualTo(200);
    made.put("license preview", requests.operations());

    // Every page: the session (GetItem) and its token (GetItem), then what it shows.
    made.forEach(
        (page, operations) ->
            assertThat(operations.subList(0, 2)).as(page).containsExactly("GetItem", "GetItem"));
    assertThat(made.get("customers")).containsExactly("GetItem", "GetItem", "Query", "Query");
    assertThat(made.get("license"))
        .containsExactly("GetItem", "GetItem", "GetItem", "Query", "Query", "GetItem", "Query");
    // The instance, its license and tier are read by each use case the page goes through (the
    // record, the evaluation, the period history): the first place to save requests.
    assertThat(made.get("instance"))
        .containsExactly(
            "GetItem",
            "GetItem",
            "GetItem",
            "Query",
            "GetItem",
            "GetItem",
            "GetItem",
            "BatchGetItem",
            "GetItem",
            "GetItem",
            "Query",
            "Query",
            "GetItem",
            "Query",
            "Query");
    assertThat(made.get("tiers")).containsExactly("GetItem", "GetItem", "Query", "Query");
    // No instance is near a limit here, so no customer is read.
    assertThat(made.get("limits"))
        .containsExactly(
            "GetItem", "GetItem", "Query", "Query", "Query", "GetItem", "BatchGetItem");
    assertThat(made.get("webhooks")).containsExactly("GetItem", "GetItem", "Query");
    assertThat(made.get("audit")).containsExactly("GetItem", "GetItem", "Query");
    assertThat(made.get("license preview"))
        .containsExactly(
            "GetItem",
            "GetItem",
            "GetItem",
            "GetItem",
            "Query",
            "Query",
            "GetItem",
            "BatchGetItem");
  }
}
