package sh.kaiten.domain.crm;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.metering.UsageStatus;

class UsagePropertiesTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final Period DECEMBER =
      new Period(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
  private static final License PRO = license("lic_1", "pro");
  private static final License ADDON = license("lic_2", "storage-addon");

  private static License license(String id, String tier) {
    return new License(
        id, "cus_1", tier, LicenseStatus.ACTIVE, null, null, null, Map.of(), NOW, NOW);
  }

  private static UsageState state(String slug, String limit, String used, String percent) {
    return new UsageState(
        slug,
        limit == null ? null : new BigDecimal(limit),
        new BigDecimal(used),
        percent == null ? null : new BigDecimal(percent),
        UsageStatus.ACCEPTED,
        Aggregation.SUM,
        DECEMBER,
        Enforcement.HARD,
        "calls");
  }

  @Test
  void thePropertiesTakeEachEntitlementsMostUsedHolderAndTheUsageListKeepsEveryAnswer() {
    List<UsageProperties.Row> rows =
        List.of(
            new UsageProperties.Row(PRO, "acme-prod", state("api-calls", "1000", "500", "50.0")),
            new UsageProperties.Row(PRO, "acme-prod", state("seats", null, "7", null)),
            new UsageProperties.Row(PRO, "acme-staging", state("api-calls", "1000", "900", "90.0")),
            new UsageProperties.Row(PRO, "acme-staging", state("seats", null, "12", null)),
            new UsageProperties.Row(ADDON, "acme-x", state("api-calls", "10", "12", "120.0")));

    String body =
        UsageProperties.of(
            "dlv_1",
            NOW,
            "usage.threshold_reached",
            new Customer("cus_1", "Globex", Map.of("hubspot_company_id", "123"), NOW),
            List.of(PRO, ADDON),
            rows);

    assertThat(body)
        .startsWith(
            "{\"id\":\"dlv_1\",\"type\":\"crm.usage_properties\",\"created_at\":\"2026-12-05T10:00:00Z\","
                + "\"data\":{\"trigger\":\"usage.threshold_reached\",\"customer\":{\"id\":\"cus_1\",\"name\":\"Globex\","
                + "\"metadata\":{\"hubspot_company_id\":\"123\"}},"
                + "\"properties\":{\"kaiten_plan\":\"pro;storage-addon\",\"kaiten_license_status\":\"ACTIVE\","
                + "\"kaiten_api_calls_usage_percent\":120.0,\"kaiten_api_calls_remaining\":0,"
                + "\"kaiten_api_calls_usage\":12,\"kaiten_api_calls_limit\":10,\"kaiten_api_calls_status\":\"ACCEPTED\","
                + "\"kaiten_seats_usage_percent\":null,\"kaiten_seats_remaining\":null,"
                + "\"kaiten_seats_usage\":12,\"kaiten_seats_limit\":null,\"kaiten_seats_status\":\"ACCEPTED\"},"
                + "\"usage\":[{\"license_id\":\"lic_1\",\"plan\":\"pro\",\"license_status\":\"ACTIVE\","
                + "\"instance_id\":\"acme-prod\",\"entitlement\":\"api-calls\",\"limit\":1000,\"current_usage\":500,"
                + "\"percentage_used\":50.0,\"remaining\":500,\"status\":\"ACCEPTED\",\"unit\":\"calls\","
                + "\"period_end\":\"2027-01-01T00:00:00Z\"},");
    assertThat(body).contains("\"instance_id\":\"acme-x\"").endsWith("}]}}");
  }

  @Test
  void remainingIsTheLimitLessTheUsageNeverBelowZeroAndNullWhenUnlimited() {
    assertThat(new UsageProperties.Row(PRO, "i", state("a", "100", "30", "30.0")).remaining())
        .isEqualByComparingTo("70");
    assertThat(new UsageProperties.Row(PRO, "i", state("a", "100", "130", "130.0")).remaining())
        .isEqualByComparingTo("0");
    assertThat(new UsageProperties.Row(PRO, "i", state("a", null, "130", null)).remaining())
        .isNull();
    assertThat(UsageProperties.property("api-calls", "usage_percent"))
        .isEqualTo("kaiten_api_calls_usage_percent");
  }
}
