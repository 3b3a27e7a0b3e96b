package sh.kaiten.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.Lookups;
import sh.kaiten.testing.ProductPage;

/**
 * The numbers a report takes (see NumericContract): outside them a 400 naming the field, nothing
 * counted.
 */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "UsageApiFunction"))
class NumericContractApiTest {
  static final String OUT_OF_CONTRACT =
      "value must be a number from 0 to 1000000000000000 (10^15) with at most 6 decimal places";
  static final String OUT_OF_RANGE =
      "value is out of range: a number takes at most 38 significant digits, from 1e-130 to below 1e126";

  @Inject AdminStores catalog;
  @Inject InstanceReads reads;
  @Inject TokenStore tokens;
  @Inject UsageCounters counters;

  private ProductPage page;

  @BeforeEach
  void seed() {
    page = ProductPage.seed(catalog);
  }

  private BigDecimal usage() {
    return new EntitlementQueries(
            catalog.definitions(), Lookups.instances(catalog, reads), counters, Clock.systemUTC())
        .usage(page.adminToken(), ProductPage.INSTANCE, "api-calls")
        .currentUsage();
  }

  private ValidatableResponse report(String value) {
    return given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body("{\"entitlement_slug\":\"api-calls\",\"value\":" + value + "}")
        .when()
        .post("/api/instances/{id}/usage", ProductPage.INSTANCE)
        .then();
  }

  private void refused(String value, String detail) {
    report(value)
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://kaiten.sh/problems/invalid-input"))
        .body("field", equalTo("value"))
        .body("detail", equalTo(detail));
  }

  @Test
  void aTinyValueCannotFreezeACounter() {
    report("5").statusCode(200).body("current_usage", equalTo(5));
    refused("1e-37", OUT_OF_CONTRACT);
    report("5").statusCode(200).body("current_usage", equalTo(10));
    report("0.000001").statusCode(200).body("status", equalTo("ACCEPTED"));
    assertThat(usage()).isEqualByComparingTo("10.000001");
  }

  @Test
  void valuesPastTheDecimalPlacesOrTheMaximumAreRefused() {
    refused("1e-40", OUT_OF_CONTRACT);
    refused("0.0000001", OUT_OF_CONTRACT);
    refused("1000000000000000.000001", OUT_OF_CONTRACT);
    refused("1e16", OUT_OF_CONTRACT);
    refused("-1", "value must not be negative");
    assertThat(usage()).isEqualByComparingTo("0");
  }

  @Test
  void numbersDynamoDbCannotHoldAreRefusedOnTheirText() {
    refused("1e-400", OUT_OF_RANGE);
    refused("1e-1000000000", OUT_OF_RANGE);
    refused("1e400", OUT_OF_RANGE);
    refused("1.7976931348623157e309", OUT_OF_RANGE);
    refused("123456789012345678901234567890123456789", OUT_OF_RANGE);
    assertThat(usage()).isEqualByComparingTo("0");
  }

  @Test
  void theLargestValueAndTheFinestStepAreInTheContract() {
    // api-calls has a HARD limit of 100000: in the contract, 10^15 is a report, refused by the
    // limit.
    report("1e15")
        .statusCode(200)
        .body("status", equalTo("REJECTED"))
        .body("reason", equalTo("LIMIT_REACHED"));
    report("99999.999999").statusCode(200).body("status", equalTo("ACCEPTED"));
    report("1.000000e-6").statusCode(200).body("status", equalTo("ACCEPTED"));
    report("0.000001").statusCode(200).body("status", equalTo("REJECTED"));
    assertThat(usage()).isEqualByComparingTo("100000");
  }

  /**
   * Issue 14, defect 2 (the batch half): a bad number at event 1 no longer leaves event 0 counted.
   */
  @Test
  void aBatchWithOneNumberOutOfTheContractIsRefusedWholeAndNothingIsCounted() {
    String batch =
        "{\"events\":[{\"entitlement_slug\":\"api-calls\",\"value\":5,\"idempotency_key\":\"b-0\"},"
            + "{\"entitlement_slug\":\"api-calls\",\"value\":%s}]}";
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body(batch.formatted("1e-40"))
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("events[1].value"))
        .body("detail", equalTo("events[1]: " + OUT_OF_CONTRACT));
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body(batch.formatted("1e-400"))
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("events[1].value"))
        .body("detail", equalTo("events[1]." + OUT_OF_RANGE));
    assertThat(usage()).isEqualByComparingTo("0");
    given()
        .header("Authorization", "Bearer " + page.instanceSecret())
        .contentType("application/json")
        .body(batch.formatted("2"))
        .when()
        .post("/api/instances/{id}/usage/batch", ProductPage.INSTANCE)
        .then()
        .statusCode(200)
        .body("results[0].result.current_usage", equalTo(5))
        .body("results[0].replayed", equalTo(false))
        .body("results[1].result.current_usage", equalTo(7));
    assertThat(usage()).isEqualByComparingTo("7");
  }
}
