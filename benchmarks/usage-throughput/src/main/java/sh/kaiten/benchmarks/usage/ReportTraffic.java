package sh.kaiten.benchmarks.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import sh.kaiten.benchmarks.usage.MeteredTenant.Holder;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.audit.AuditEntry;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Metering;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.metering.CounterKey;
import sh.kaiten.domain.metering.Periods;
import sh.kaiten.domain.metering.ReportResult;
import sh.kaiten.domain.metering.Tally;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageStatus;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceEntitlement;
import sh.kaiten.domain.usage.ReportJournal;
import sh.kaiten.domain.usage.UsageReport;
import sh.kaiten.domain.usage.UsageReporting;

/**
 * The reports of one measured run, sent as the usage function handles a request: the instance token
 * looked up by its hash (what the function's authentication does on every request), then {@link
 * UsageReporting#report}. It keeps how many reports each counter took, and checks the counters
 * against that afterwards.
 */
final class ReportTraffic {
  private static final String AUDIT_REPORTED = "usage.reported";
  private static final String AUDIT_EVALUATED = "entitlement.evaluated";
  private final String run;
  private final Scenario scenario;
  private final Entitlement entitlement;
  private final MeteredTenant tenant;
  private final List<Holder> holders;
  private final TokenStore tokens;
  private final UsageReporting reporting;
  private final EntitlementQueries queries;
  private final Auditing auditing;
  private final AtomicLongArray counted;
  private final AtomicLong evaluated = new AtomicLong();

  ReportTraffic(
      String run,
      Scenario scenario,
      Entitlement entitlement,
      MeteredTenant tenant,
      TokenStore tokens,
      UsageReporting reporting,
      EntitlementQueries queries,
      Auditing auditing) {
    this.queries = queries;
    this.auditing = auditing;
    this.run = run;
    this.scenario = scenario;
    this.entitlement = entitlement;
    this.tenant = tenant;
    this.holders = scenario.spread() ? tenant.spread() : List.of(tenant.hot());
    this.tokens = tokens;
    this.reporting = reporting;
    this.counted = new AtomicLongArray(holders.size());
  }

  /**
   * Sends one request: a report of 1 (throws unless ACCEPTED) or an evaluation (throws unless
   * granted).
   */
  void send(int thread, long sequence) {
    int index = holders.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(holders.size());
    Holder holder = holders.get(index);
    ApiToken caller =
        tokens
            .findByHash(Secrets.hash(holder.secret()))
            .orElseThrow(() -> new UnauthenticatedException("the bearer token is not valid"));
    if (scenario.evaluates()) {
      evaluate(caller, holder);
      evaluated.incrementAndGet();
      return;
    }
    String key = scenario.keyed() ? run + "-" + thread + "-" + sequence : null;
    UsageReport report = new UsageReport(entitlement.slug(), BigDecimal.ONE, null, key);
    // Audited, the report's record goes into its counter change's transaction, as usage-api writes
    // it.
    ReportResult result =
        scenario.audited()
            ? reporting.report(
                caller,
                holder.instanceId(),
                report,
                counted -> reportRecord(caller, holder, key, counted))
            : reporting.report(caller, holder.instanceId(), report);
    if (result.state().status() != UsageStatus.ACCEPTED || result.replayed()) {
      throw new IllegalStateException(
          "report answered "
              + result.state().status()
              + (result.replayed() ? " (replayed)" : "")
              + ", reason "
              + result.reason());
    }
    counted.incrementAndGet(index);
  }

  private void evaluate(ApiToken caller, Holder holder) {
    InstanceEntitlement answer = queries.evaluate(caller, holder.instanceId(), entitlement.slug());
    if (!answer.evaluation().enabled()) {
      throw new IllegalStateException(
          "evaluation answered not enabled: " + answer.evaluation().reason());
    }
    if (scenario.audited()) {
      audit(
          caller,
          holder,
          AUDIT_EVALUATED,
          "{\"via\":\"api\",\"entitlements\":\"one\"}",
          "{\""
              + entitlement.slug()
              + "\":{\"enabled\":true,\"source\":\"TIER\",\"reason\":\"GRANTED\","
              + "\"value\":null,\"usage\":"
              + answer.usage().currentUsage()
              + "}}");
    }
  }

  /**
   * The record usage-api makes for a counted report (the same fields and about the same size), for
   * its transaction.
   */
  private ChangeRecords reportRecord(
      ApiToken caller, Holder holder, String key, List<ReportJournal.Counted> counted) {
    String request =
        "{\"entitlement_slug\":\""
            + entitlement.slug()
            + "\",\"value\":1,"
            + "\"timestamp\":null,\"idempotency_key\":"
            + (key == null ? "null" : "\"" + key + "\"")
            + "}";
    String result =
        "{\"status\":\"ACCEPTED\",\"current_usage\":"
            + counted.get(0).result().state().currentUsage()
            + ",\"limit\":null,\"reason\":null,\"replayed\":false}";
    return new ChangeRecords(
        List.of(),
        auditing.prepare(
            tenant.tenantId(),
            caller.id(),
            UUID.randomUUID().toString(),
            List.of(
                new AuditEntry(
                    AUDIT_REPORTED,
                    holder.instanceId(),
                    List.of(entitlement.slug()),
                    request,
                    result))));
  }

  /**
   * The record the HTTP function writes for the request (the same fields and about the same size),
   * in one PutItem.
   */
  private void audit(ApiToken caller, Holder holder, String type, String request, String result) {
    auditing.record(
        tenant.tenantId(),
        caller.id(),
        UUID.randomUUID().toString(),
        List.of(
            new AuditEntry(
                type, holder.instanceId(), List.of(entitlement.slug()), request, result)));
  }

  /** Every request answered: reports counted and evaluations. */
  long answered() {
    return counted() + evaluated.get();
  }

  long counted() {
    long total = 0;
    for (int i = 0; i < counted.length(); i++) {
      total += counted.get(i);
    }
    return total;
  }

  /**
   * Every counter of the run read back: those whose count or sum differs from the reports it took.
   */
  List<String> miscounts(UsageCounters counters) {
    String period =
        Periods.containing(
                entitlement.metering().reset(),
                entitlement.metering().resetAnchor(),
                tenant.licenseStart(),
                Instant.now())
            .key();
    Map<CounterKey, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < holders.size(); i++) {
      index.put(
          new CounterKey(
              tenant.tenantId(),
              entitlement.slug(),
              CounterKey.instanceHolder(holders.get(i).instanceId()),
              period),
          i);
    }
    Map<CounterKey, Metering> wanted = new LinkedHashMap<>();
    index.keySet().forEach(key -> wanted.put(key, entitlement.metering()));
    Map<CounterKey, Tally> tallies = counters.tallies(wanted);
    List<String> miscounts = new ArrayList<>();
    index.forEach(
        (key, i) -> {
          Tally tally = tallies.get(key);
          long expected = counted.get(i);
          if (tally.count() != expected
              || tally.sum().compareTo(BigDecimal.valueOf(expected)) != 0) {
            miscounts.add(
                key.holder()
                    + ": "
                    + expected
                    + " reports, counter holds count "
                    + tally.count()
                    + " and sum "
                    + tally.sum().toPlainString());
          }
        });
    return miscounts;
  }
}
