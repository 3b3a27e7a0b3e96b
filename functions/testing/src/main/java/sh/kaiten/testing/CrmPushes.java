package sh.kaiten.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Period;
import sh.kaiten.domain.metering.PeriodClose;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceEntitlement;

/**
 * What the tests of the CRM connector's pushes share: usage counted on the product page's instances
 * as usage-api counts it, and the check that a push's figures are the entitlement answers.
 */
public final class CrmPushes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CrmPushes() {}

  /** One report of {@code value} on the instance's counter of a monthly SUM entitlement, now. */
  public static void count(
      UsageCounters counters, String tenantId, String instanceId, String slug, String value) {
    Instant now = Instant.now();
    Period period = Periods.containing(Reset.MONTH, ResetAnchor.CALENDAR, null, now);
    counters.add(
        new CounterKey(tenantId, slug, CounterKey.instanceHolder(instanceId), period.key()),
        Metering.of(Aggregation.SUM),
        PeriodClose.of(period, Duration.ofHours(24), null),
        new BigDecimal(value),
        now,
        null);
  }

  public static JsonNode parse(String payload) {
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The metered answers {@code GET /api/instances/{id}/usage} gives for these instances now, each
   * as "instance entitlement limit= usage= percent= status= period_end=": what the rows of a push
   * ({@link #rows}) must be.
   */
  public static List<String> answers(
      ApiToken admin,
      Definitions definitions,
      InstanceStore instances,
      LicenseStore licenses,
      InstanceReads reads,
      UsageCounters counters,
      List<String> instanceIds) {
    EntitlementQueries queries =
        new EntitlementQueries(
            definitions,
            new InstanceLookup(definitions, instances, licenses, reads),
            counters,
            Clock.systemUTC());
    List<String> expected = new ArrayList<>();
    for (String instance : instanceIds) {
      for (InstanceEntitlement answer : queries.evaluateAll(admin, instance)) {
        if (answer.usage() != null) {
          expected.add(instance + " " + figures(answer.usage()));
        }
      }
    }
    return expected;
  }

  /** {@link #answers} for the product page's two instances, read through its stores. */
  public static List<String> answers(
      ProductPage page,
      AdminStores catalog,
      Definitions definitions,
      InstanceReads reads,
      UsageCounters counters) {
    return answers(
        page.adminToken(),
        definitions,
        catalog.instances(),
        catalog.licenses(),
        reads,
        counters,
        List.of(ProductPage.INSTANCE, ProductPage.STAGING));
  }

  /** The rows of the push's {@code data.usage}, written as {@link #answers} writes an answer. */
  public static List<String> rows(JsonNode push) {
    List<String> pushed = new ArrayList<>();
    push.path("data")
        .path("usage")
        .forEach(
            row ->
                pushed.add(
                    row.path("instance_id").asText()
                        + " "
                        + row.path("entitlement").asText()
                        + " limit="
                        + decimal(row.path("limit"))
                        + " usage="
                        + decimal(row.path("current_usage"))
                        + " percent="
                        + decimal(row.path("percentage_used"))
                        + " status="
                        + row.path("status").asText()
                        + " period_end="
                        + row.path("period_end").asText()));
    return pushed;
  }

  private static String figures(UsageState usage) {
    return usage.entitlement()
        + " limit="
        + plain(usage.limit())
        + " usage="
        + plain(usage.currentUsage())
        + " percent="
        + plain(usage.percentageUsed())
        + " status="
        + usage.status()
        + " period_end="
        + (usage.period().end() == null ? "null" : usage.period().end().toString());
  }

  private static String decimal(JsonNode node) {
    return node.isNull() || node.isMissingNode() ? "null" : plain(node.decimalValue());
  }

  private static String plain(BigDecimal value) {
    return value == null ? "null" : value.stripTrailingZeros().toPlainString();
  }
}
