package sh.kaiten.domain.billing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.paging.Page;

/**
 * Use case: a {@link BillingJob.Reconciliation} run by billing-sync. Kaiten's side is rebuilt from
 * the audit trail as live sync sends it ({@link TrailReplay#page}: the counted reports timed in the
 * window, each a SUM's value times the mapping's scale or a COUNT's 1, by the customer of the
 * reporting instance's license), a page a step; then, for every customer with a Stripe id and every
 * SUM or COUNT meter of the connector (and every customer Kaiten counted), Stripe's meter event
 * summary of the window is read and compared exactly. A pair that differs, either way, is a {@link
 * ReconciliationReport.Difference} and a {@code billing.reconciliation_mismatch} event; the result
 * is recorded once per run with its events ({@link ReconciliationReports#record}), so a redelivered
 * step emits nothing twice. A run with no difference is recorded too.
 *
 * <p>Not compared, and said so in the result: meters sent as {@code last} (MAX, MIN, AVERAGE,
 * LATEST: Stripe keeps the last value sent in a billing period, which a day's summary does not
 * sum), pairs past {@link #MAX_COMPARISONS} a run, and usage of customers without a Stripe id or no
 * longer found.
 */
public final class StripeReconciliation {
  /** Stripe reads of one run's last step, well inside billing-sync's timeout. */
  static final int MAX_COMPARISONS = 200;

  /** Differences a run reports one by one (its events, and the status); the rest are counted. */
  public static final int MAX_DIFFERENCES = 25;

  /** What became of one step. */
  public sealed interface Result {
    /** Recorded now; or recorded before (a redelivery), or no connector: {@code report} empty. */
    record Finished(Optional<ReconciliationReport> report) implements Result {}

    /** This page is tallied; {@code next} was put on the queue for the rest. */
    record Continued(BillingJob.Reconciliation next) implements Result {}

    /** Stripe could not be read: the step should come back from the queue. */
    record Failed(String reason) implements Result {}
  }

  private final StripeConnectors connectors;
  private final TrailReplay trail;
  private final InstanceStore instances;
  private final LicenseStore licenses;
  private final CustomerStore customers;
  private final MeterSummaryGateway.Accounts stripe;
  private final ReconciliationReports reports;
  private final BillingJobs queue;
  private final Clock clock;

  public StripeReconciliation(
      StripeConnectors connectors,
      TrailReplay trail,
      InstanceStore instances,
      LicenseStore licenses,
      CustomerStore customers,
      MeterSummaryGateway.Accounts stripe,
      ReconciliationReports reports,
      BillingJobs queue,
      Clock clock) {
    this.connectors = connectors;
    this.trail = trail;
    this.instances = instances;
    this.licenses = licenses;
    this.customers = customers;
    this.stripe = stripe;
    this.reports = reports;
    this.queue = queue;
    this.clock = clock;
  }

  public Result run(BillingJob.Reconciliation job) {
    Optional<StripeConnector> connector = connectors.find(job.tenantId());
    if (connector.isEmpty() || reports.recorded(job.tenantId(), job.runId())) {
      return new Result.Finished(Optional.empty());
    }
    TrailReplay.TrailPage page = trail.page(job);
    int counted = page.counted().stream().mapToInt(usage -> usage.reports().size()).sum();
    BillingJob.Reconciliation step =
        job.next(job.progress().after(page.nextCursor(), counted, 0, 0))
            .counting(job.counted().plus(tally(job.tenantId(), connector.get(), page.counted())));
    if (page.nextCursor() != null) {
      queue.enqueue(step);
      return new Result.Continued(step);
    }
    Optional<MeterSummaryGateway> account = stripe.forTenant(job.tenantId());
    if (account.isEmpty()) {
      return new Result.Failed("tenant " + job.tenantId() + " has a Stripe connector but no key");
    }
    ReconciliationReport report;
    try {
      report = compare(step, connector.get(), account.get());
    } catch (MeterSummaryGateway.UnreadableException unreadable) {
      return new Result.Failed(unreadable.getMessage());
    }
    List<Event> events =
        report.differences().stream().map(difference -> event(report, difference)).toList();
    return new Result.Finished(
        reports.record(report, events) ? Optional.of(report) : Optional.empty());
  }

  /** The page's reports of SUM and COUNT meters, as Stripe should hold them, by customer. */
  private CountedUsage tally(
      String tenantId, StripeConnector connector, List<AcceptedUsage> counted) {
    Map<CountedUsage.Key, BigDecimal> totals = new TreeMap<>();
    Map<String, Optional<String>> customerOf = new HashMap<>();
    int unattributed = 0;
    for (AcceptedUsage usage : counted) {
      for (AcceptedReport report : usage.reports()) {
        Optional<MeterMapping> mapping =
            connector.meterOf(report.entitlement()).filter(MeterMapping::sendsIncrements);
        if (mapping.isEmpty()) {
          continue;
        }
        Optional<String> customer =
            customerOf.computeIfAbsent(
                usage.instanceId(),
                instance ->
                    instances
                        .findInstance(tenantId, instance)
                        .map(Instance::licenseId)
                        .flatMap(license -> licenses.findLicense(tenantId, license))
                        .map(License::customerId));
        if (customer.isEmpty()) {
          unattributed++;
          continue;
        }
        totals.merge(
            new CountedUsage.Key(customer.get(), report.entitlement()),
            amount(mapping.get(), report.value()),
            BigDecimal::add);
      }
    }
    return new CountedUsage(totals, unattributed);
  }

  /** What one report adds on Stripe's side, unrounded (live sync refuses a SUM not made whole). */
  private static BigDecimal amount(MeterMapping mapping, BigDecimal value) {
    return mapping.aggregation() == Aggregation.COUNT
        ? BigDecimal.ONE
        : value.multiply(mapping.scale());
  }

  private ReconciliationReport compare(
      BillingJob.Reconciliation job, StripeConnector connector, MeterSummaryGateway account) {
    Map<String, Customer> byId = new TreeMap<>();
    for (Customer customer : Page.all(request -> customers.customers(job.tenantId(), request))) {
      byId.put(customer.id(), customer);
    }
    List<MeterMapping> increments =
        connector.meters().values().stream()
            .filter(MeterMapping::sendsIncrements)
            .sorted(Comparator.comparing(MeterMapping::entitlement))
            .toList();
    TreeSet<CountedUsage.Key> pairs = new TreeSet<>(job.counted().totals().keySet());
    for (Customer customer : byId.values()) {
      if (connector.stripeCustomerOf(customer).isPresent()) {
        increments.forEach(
            meter -> pairs.add(new CountedUsage.Key(customer.id(), meter.entitlement())));
      }
    }
    Map<String, MeterSummaryGateway.Meter> meters = account.activeMeters();
    int compared = 0;
    int skipped = 0;
    int withoutStripeId = 0;
    List<ReconciliationReport.Difference> differences = new ArrayList<>();
    int differenceCount = 0;
    for (CountedUsage.Key pair : pairs) {
      BigDecimal kaiten = job.counted().of(pair);
      Optional<String> stripeId =
          Optional.ofNullable(byId.get(pair.customerId())).flatMap(connector::stripeCustomerOf);
      if (stripeId.isEmpty()) {
        withoutStripeId++;
        continue;
      }
      if (compared + skipped >= MAX_COMPARISONS) {
        skipped++;
        continue;
      }
      Optional<MeterMapping> mapped =
          connector.meterOf(pair.entitlement()).filter(MeterMapping::sendsIncrements);
      if (mapped.isEmpty()) {
        continue; // unmapped (or sent as last) since the day was tallied: nothing to compare
      }
      MeterMapping mapping = mapped.get();
      MeterSummaryGateway.Meter meter = meters.get(mapping.eventName());
      BigDecimal stripeValue = null;
      if (meter != null) {
        stripeValue =
            account
                .aggregatedValue(meter.id(), stripeId.get(), job.windowStart(), job.windowEnd())
                .orElse(BigDecimal.ZERO);
      } else if (kaiten.signum() == 0) {
        continue; // no meter and nothing to bill: nothing to compare
      }
      compared++;
      if (stripeValue == null || kaiten.compareTo(stripeValue) != 0) {
        differenceCount++;
        if (differences.size() < MAX_DIFFERENCES) {
          differences.add(
              new ReconciliationReport.Difference(
                  pair.customerId(),
                  stripeId.get(),
                  pair.entitlement(),
                  mapping.eventName(),
                  plain(kaiten),
                  stripeValue == null ? null : plain(stripeValue)));
        }
      }
    }
    return new ReconciliationReport(
        job.tenantId(),
        job.runId(),
        job.windowStart(),
        job.windowEnd(),
        clock.instant(),
        job.progress().reports(),
        compared,
        differenceCount,
        differences,
        notCompared(connector, skipped, withoutStripeId, job.counted().unattributed()));
  }

  /** 2500.000 as 2500, not 2.5E+3; 2.50 as 2.5. */
  private static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static List<String> notCompared(
      StripeConnector connector, int skipped, int withoutStripeId, int unattributed) {
    List<String> lines = new ArrayList<>();
    connector.meters().values().stream()
        .filter(meter -> !meter.sendsIncrements())
        .map(MeterMapping::entitlement)
        .sorted()
        .forEach(
            entitlement ->
                lines.add(
                    entitlement + ": a last meter holds a value, not a day's usage: not compared"));
    if (skipped > 0) {
      lines.add(skipped + " customer meters past the " + MAX_COMPARISONS + " a run compares");
    }
    if (withoutStripeId > 0) {
      lines.add(
          withoutStripeId
              + " customer meters counted for customers without a Stripe id ("
              + connector.customerIdKey()
              + ")");
    }
    if (unattributed > 0) {
      lines.add(unattributed + " counted reports whose instance or license is gone");
    }
    return lines;
  }

  private Event event(ReconciliationReport report, ReconciliationReport.Difference difference) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("connector", "stripe");
    data.put("run_id", report.runId());
    data.put("window_start", report.windowStart().toString());
    data.put("window_end", report.windowEnd().toString());
    data.put("customer_id", difference.customerId());
    data.put("stripe_customer_id", difference.stripeCustomerId());
    data.put("entitlement", difference.entitlement());
    data.put("event_name", difference.eventName());
    data.put("kaiten_value", difference.kaiten());
    if (difference.stripe() == null) {
      data.putNull("stripe_value");
      data.putNull("difference");
    } else {
      data.put("stripe_value", difference.stripe());
      data.put("difference", difference.kaiten().subtract(difference.stripe()));
    }
    return new Event(
        Ids.newId(Event.ID_PREFIX, report.finishedAt()),
        report.tenantId(),
        EventType.BILLING_RECONCILIATION_MISMATCH,
        report.finishedAt(),
        data);
  }
}
