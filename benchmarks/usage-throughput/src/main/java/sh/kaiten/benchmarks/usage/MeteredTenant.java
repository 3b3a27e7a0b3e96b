package sh.kaiten.benchmarks.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.InstanceCreated;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.admin.TierDraft;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.outbox.ChangeJournal;

/**
 * A tenant seeded through {@link Administration}, as admin-api would: the benchmark's entitlements
 * (one per measured run, so every run starts from empty counters), a tier granting each of them
 * 10^12, one license, the hot instance and {@code spread} more instances on that license.
 */
record MeteredTenant(String tenantId, License license, Holder hot, List<Holder> spread) {
  static final BigDecimal LIMIT = new BigDecimal("1e12");

  /** An instance and the secret of its instance token. */
  record Holder(String instanceId, String secret) {}

  static MeteredTenant seed(
      AdminStores stores, String bootstrapSecret, List<Entitlement> entitlements, int spread) {
    Administration admin =
        new Administration(
            stores,
            ChangeJournal.SILENT,
            Clock.systemUTC(),
            Optional.of(bootstrapSecret),
            Duration.ofDays(3));
    ApiToken token =
        admin.tenants().bootstrapTenant(bootstrapSecret, "Benchmark vendor").adminToken();
    Map<String, JsonNode> grants = new LinkedHashMap<>();
    for (Entitlement entitlement : entitlements) {
      admin.catalog().createEntitlement(token, entitlement);
      grants.put(entitlement.slug(), JsonNodeFactory.instance.numberNode(LIMIT));
    }
    admin.catalog().createTier(token, new TierDraft("bench", "Benchmark", 1, grants));
    String customer = admin.customers().createCustomer(token, "Benchmark customer", Map.of()).id();
    License license =
        admin
            .licenses()
            .createLicense(
                token, new LicenseDraft(customer, "bench", null, null, null, null, null));
    Holder hot =
        holder(
            admin.instances().createInstance(token, "hot", license.id(), "The hot instance", null));
    // A thousand instances one by one take a while on DynamoDB Local; a few at a time is enough.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Holder>> created =
          IntStream.range(0, spread)
              .mapToObj(
                  i ->
                      pool.submit(
                          () ->
                              holder(
                                  admin
                                      .instances()
                                      .createInstance(
                                          token,
                                          "fleet-%04d".formatted(i),
                                          license.id(),
                                          "Fleet instance " + i,
                                          null))))
              .toList();
      List<Holder> fleet = new ArrayList<>(spread);
      for (Future<Holder> instance : created) {
        fleet.add(instance.get());
      }
      return new MeteredTenant(token.tenantId(), license, hot, List.copyOf(fleet));
    } catch (Exception e) {
      throw new IllegalStateException("seeding the fleet failed", e);
    } finally {
      pool.shutdown();
    }
  }

  private static Holder holder(InstanceCreated created) {
    return new Holder(created.instance().id(), created.secret());
  }

  Instant licenseStart() {
    return license.startsAt();
  }
}
