package sh.kaiten.domain.billing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.closing.ClosedPeriod;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Use case: a {@link BillingJob.Reconciliation} run by billing-sync, a step at a time. Kaiten's
 * side is rebuilt from the audit trail as live sync sends it ({@link TrailReplay#page}: the counted
 * reports timed in the window, each a SUM's value times the mapping's scale or a COUNT's 1, by the
 * customer of the reporting instance's license), a page a step, and added to the run's {@link
 * ReconciliationTallies}. A {@code last} meter (MAX, MIN, AVERAGE, LATEST) is billed its latest
 * event, so its side is the latest of the events live sync sent the customer's meter stamped in the
 * window: each counted report's value at its stamp ({@link MeterEvents#ofValue}, whatever the
 * report's own time), and each close's final value ({@link MeterEvents#ofWindow}) of a period that
 * ended in the window ({@link ClosedPeriods}), merged latest-wins ({@link
 * ReconciliationTallies.LastEvent}). Then Stripe's meters are read, once a run ({@link
 * MeterCheck}): a mapping whose meter is missing, or whose meter's formula does not bill what the
 * mapping sends (a SUM on a {@code count} meter), is a {@link ReconciliationReport.MeterFinding},
 * and its pairs are not compared (they would only show differences the meter explains); all of them
 * are one {@code billing.reconciliation_meter_mismatch} event. Then the tenant's customers are
 * walked, a page a step, each step at most {@link #READS_PER_STEP} Stripe reads, the meters' pages
 * counted: for every customer with a Stripe id and every meter that fits its mapping, Stripe's
 * meter event summary of the window is read and compared exactly with the tally (a {@code last}
 * meter's value with the latest event's; no event on either side is equal only to none on the
 * other). Every such pair is compared, however many there are. A pair that differs, either way, is
 * counted; the first {@link #MAX_DIFFERENCES} are each a {@link ReconciliationReport.Difference}
 * and a {@code billing.reconciliation_mismatch} event. The result is recorded once per run with its
 * events ({@link ReconciliationReports#record}) when the last page of customers is compared, so a
 * redelivered step emits nothing twice. A run with no difference is recorded too.
 *
 * <p>Not compared, and said so in the result: a {@code last} meter's pair whose latest events share
 * their second but not their value (Stripe keeps timestamps to the second and one of them, without
 * saying which: several counters of the customer, or one counter's writes of one second sent in an
 * order nobody knows), each named up to {@link #MAX_DIFFERENCES}; and usage of customers without a
 * Stripe id or no longer found (counted as reports when the trail is tallied). A customer whose
 * Stripe id is removed, or who is deleted, while a run is comparing is not compared, and not
 * counted.
 */
public final class StripeReconciliation {
  /**
   * Stripe reads a step (pages of meters and summaries): as many as a connector has meters at most,
   * so a customer's fit in one step; well inside billing-sync's timeout.
   */
  static final int READS_PER_STEP = StripeConnectorAdministration.MAX_METERS;

  /** Differences a run reports one by one (its events, and the status); the rest are counted. */
  public static final int MAX_DIFFERENCES = 25;

  /** How long a run's tallies are kept: its steps are done long before (or dead-lettered). */
  static final Duration TALLIES_KEPT = Duration.ofDays(7);

  /** What became of one step. */
  public sealed interface Result {
    /** Recorded now; or recorded before (a redelivery), or no connector: {@code report} empty. */
    record Finished(Optional<ReconciliationReport> report) implements Result {}

    /** This page is done; {@code next} was put on the queue for the rest. */
    record Continued(BillingJob.Reconciliation next) implements Result {}

    /** Stripe could not be read: the step should come back from the queue. */
    record Failed(String reason) implements Result {}
  }

  private final StripeConnectors connectors;
  private final TrailReplay trail;
  private final ClosedPeriods closed;
  private final InstanceStore instances;
  private final LicenseStore licenses;
  private final CustomerStore customers;
  private final MeterSummaryGateway.Accounts stripe;
  private final ReconciliationTallies tallies;
  private final ReconciliationReports reports;
  private final BillingJobs queue;
  private final Clock clock;

  public StripeReconciliation(
      StripeConnectors connectors,
      TrailReplay trail,
      ClosedPeriods closed,
      InstanceStore instances,
      LicenseStore licenses,
      CustomerStore customers,
      MeterSummaryGateway.Accounts stripe,
      ReconciliationTallies tallies,
      ReconciliationReports reports,
      BillingJobs queue,
      Clock clock) {
    this.connectors = connectors;
    this.trail = trail;
    this.closed = closed;
    this.instances = instances;
    this.licenses = licenses;
    this.customers = customers;
    this.stripe = stripe;
    this.tallies = tallies;
    this.reports = reports;
    this.queue = queue;
    this.clock = clock;
  }

  public Result run(BillingJob.Reconciliation job) {
    Optional<StripeConnector> connector = connectors.find(job.tenantId());
    if (connector.isEmpty() || reports.recorded(job.tenantId(), job.runId())) {
      return new Result.Finished(Optional.empty());
    }
    BillingJob.Reconciliation step = job;
    if (!job.replayed()) {
      step = tallied(job, connector.get());
      if (!step.replayed()) {
        queue.enqueue(step);
        return new Result.Continued(step);
      }
    }
    if (!step.findings().closesRead()) {
      step = closesMerged(step, connector.get());
      if (!step.findings().closesRead()) {
        queue.enqueue(step);
        return new Result.Continued(step);
      }
    }
    Optional<MeterSummaryGateway> account = stripe.forTenant(job.tenantId());
    if (account.isEmpty()) {
      return new Result.Failed("tenant " + job.tenantId() + " has a Stripe connector but no key");
    }
    Compared compared;
    try {
      compared = compared(step, connector.get(), account.get());
    } catch (MeterSummaryGateway.UnreadableException unreadable) {
      return new Result.Failed(unreadable.getMessage());
    }
    step = compared.step();
    if (compared.more()) {
      queue.enqueue(step);
      return new Result.Continued(step);
    }
    ReconciliationReport report = report(step, connector.get());
    List<Event> events = new ArrayList<>();
    if (!report.meterFindings().isEmpty()) {
      events.add(meterEvent(report));
    }
    report.differences().stream().map(difference -> event(report, difference)).forEach(events::add);
    return new Result.Finished(
        reports.record(report, events) ? Optional.of(report) : Optional.empty());
  }

  /** The step after one page of the trail, its totals added to the run's tallies. */
  private BillingJob.Reconciliation tallied(
      BillingJob.Reconciliation job, StripeConnector connector) {
    TrailReplay.TrailPage page = trail.page(job);
    int counted = 0; // the reports timed in the window (the page has the value reports of others)
    for (AcceptedUsage usage : page.counted()) {
      for (AcceptedReport report : usage.reports()) {
        if (job.covers(report.entitlement(), report.reportedAt())) {
          counted++;
        }
      }
    }
    CountedUsage tally = tally(job, connector, page.counted());
    Instant keepUntil = clock.instant().plus(TALLIES_KEPT);
    tallies.add(job.tenantId(), job.runId(), job.progress().pages(), tally.totals(), keepUntil);
    tallies.merge(job.tenantId(), job.runId(), tally.latest(), keepUntil);
    return job.next(job.progress().after(page.nextCursor(), counted, 0, 0))
        .finding(job.findings().tallied(tally));
  }

  /**
   * The page's reports as Stripe should hold them, by customer: SUM and COUNT reports timed in the
   * window summed; of the reports of a {@code last} meter stamped in the window, the latest event.
   */
  private CountedUsage tally(
      BillingJob.Reconciliation job, StripeConnector connector, List<AcceptedUsage> counted) {
    String tenantId = job.tenantId();
    Map<CountedUsage.Key, BigDecimal> totals = new TreeMap<>();
    Map<CountedUsage.Key, ReconciliationTallies.LastEvent> latest = new TreeMap<>();
    Map<String, Optional<Customer>> customerOf = new HashMap<>();
    int unattributed = 0;
    int withoutStripeId = 0;
    for (AcceptedUsage usage : counted) {
      for (AcceptedReport report : usage.reports()) {
        Optional<MeterMapping> mapping = connector.meterOf(report.entitlement());
        if (mapping.isEmpty() || !inWindow(job, mapping.get(), report, usage.countedAt())) {
          continue;
        }
        Optional<Customer> customer =
            customerOf.computeIfAbsent(
                usage.instanceId(),
                instance ->
                    customerOfLicense(
                        tenantId,
                        instances.findInstance(tenantId, instance).map(Instance::licenseId)));
        Optional<String> stripeId = customer.flatMap(connector::stripeCustomerOf);
        if (customer.isEmpty()) {
          unattributed++;
        } else if (stripeId.isEmpty()) {
          withoutStripeId++;
        } else if (mapping.get().sendsIncrements()) {
          totals.merge(
              new CountedUsage.Key(customer.get().id(), report.entitlement()),
              amount(mapping.get(), report.value()),
              BigDecimal::add);
        } else {
          lastEvent(
                  () ->
                      MeterEvents.ofValue(mapping.get(), report, usage.countedAt(), stripeId.get()))
              .ifPresent(
                  event ->
                      latest.merge(
                          new CountedUsage.Key(customer.get().id(), report.entitlement()),
                          event,
                          ReconciliationTallies.LastEvent::latest));
        }
      }
    }
    return new CountedUsage(totals, latest, unattributed, withoutStripeId);
  }

  /**
   * Whether a report is of the window: a SUM's or COUNT's by its time; a value's by the time live
   * sync stamped its event (and only one that carries its standing: live sync sends no other).
   */
  private static boolean inWindow(
      BillingJob.Reconciliation job,
      MeterMapping mapping,
      AcceptedReport report,
      Instant countedAt) {
    if (mapping.sendsIncrements()) {
      return job.covers(report.entitlement(), report.reportedAt());
    }
    return report.standing() != null
        && job.windowHolds(MeterEvents.valueTime(mapping.aggregation(), report, countedAt));
  }

  /**
   * A {@code last} meter's event as Stripe keeps it; empty for one live sync cannot send (a value
   * past 2^63 once scaled), which Stripe never had.
   */
  private static Optional<ReconciliationTallies.LastEvent> lastEvent(Supplier<MeterEvent> event) {
    try {
      return Optional.of(ReconciliationTallies.LastEvent.of(event.get()));
    } catch (InvalidInputException unsendable) {
      return Optional.empty();
    }
  }

  private Optional<Customer> customerOfLicense(String tenantId, Optional<String> licenseId) {
    return licenseId
        .flatMap(license -> licenses.findLicense(tenantId, license))
        .flatMap(license -> customers.findCustomer(tenantId, license.customerId()));
  }

  /**
   * The step after merging a page of the closed periods whose close event falls in the window (a
   * period ending a {@link MeterEvents#CLOSE_MARGIN} after its start, up to one after its end) into
   * the run's latest events: each of a {@code last} meter's, as the period's flush sent it. A
   * connector without {@code last} meters reads none.
   */
  private BillingJob.Reconciliation closesMerged(
      BillingJob.Reconciliation job, StripeConnector connector) {
    BillingJob.Reconciliation.Findings findings = job.findings();
    if (connector.meters().values().stream().allMatch(MeterMapping::sendsIncrements)) {
      return job.finding(findings.closesMerged(null));
    }
    String tenantId = job.tenantId();
    Page<ClosedPeriod> page =
        closed.endingIn(
            tenantId,
            job.windowStart().plus(MeterEvents.CLOSE_MARGIN),
            job.windowEnd().plus(MeterEvents.CLOSE_MARGIN),
            new PageRequest(findings.closes(), PageRequest.MAX_LIMIT));
    Map<CountedUsage.Key, ReconciliationTallies.LastEvent> latest = new TreeMap<>();
    Map<String, Optional<Customer>> customerOf = new HashMap<>();
    for (ClosedPeriod period : page.items()) {
      Optional<MeterMapping> mapping =
          connector.meterOf(period.entitlement()).filter(meter -> !meter.sendsIncrements());
      if (mapping.isEmpty()) {
        continue;
      }
      Optional<Customer> customer =
          customerOf.computeIfAbsent(period.holder(), holder -> customerOfHolder(tenantId, holder));
      Optional<String> stripeId = customer.flatMap(connector::stripeCustomerOf);
      if (stripeId.isEmpty()) {
        continue; // never sent; the customer's pairs are not compared
      }
      WindowValue value =
          new WindowValue(
              tenantId,
              period.holder(),
              period.entitlement(),
              period.periodStart(),
              period.periodEnd(),
              period.usage());
      lastEvent(() -> MeterEvents.ofWindow(mapping.get(), value, stripeId.get()))
          .filter(event -> job.windowHolds(event.second()))
          .ifPresent(
              event ->
                  latest.merge(
                      new CountedUsage.Key(customer.get().id(), period.entitlement()),
                      event,
                      ReconciliationTallies.LastEvent::latest));
    }
    tallies.merge(tenantId, job.runId(), latest, clock.instant().plus(TALLIES_KEPT));
    return job.finding(findings.closesMerged(page.nextCursor()));
  }

  /** The customer billed for a counter's holder ({@code instance:<id>} or {@code license:<id>}). */
  private Optional<Customer> customerOfHolder(String tenantId, String holder) {
    String id = holder.substring(holder.indexOf(':') + 1);
    return customerOfLicense(
        tenantId,
        holder.startsWith("license:")
            ? Optional.of(id)
            : instances.findInstance(tenantId, id).map(Instance::licenseId));
  }

  /** What one report adds on Stripe's side, unrounded (live sync refuses a SUM not made whole). */
  private static BigDecimal amount(MeterMapping mapping, BigDecimal value) {
    return mapping.aggregation() == Aggregation.COUNT
        ? BigDecimal.ONE
        : value.multiply(mapping.scale());
  }

  /** A step's comparison, and whether the run has more to compare. */
  private record Compared(BillingJob.Reconciliation step, boolean more) {}

  /**
   * The step after at most {@link #READS_PER_STEP} Stripe reads: first the pages of Stripe's meters
   * the run has not read yet ({@link MeterCheck}, once a run), then a page of customers, as many as
   * the reads left allow, each of the connector's meters that fit their mapping of each customer
   * with a Stripe id.
   */
  private Compared compared(
      BillingJob.Reconciliation job, StripeConnector connector, MeterSummaryGateway account) {
    BillingJob.Reconciliation.Findings findings = job.findings();
    int reads = 0;
    MeterCheck meters = findings.meters() == null ? MeterCheck.START : findings.meters();
    if (connector.meters().isEmpty()) {
      meters = new MeterCheck(null, true, List.of(), List.of());
    }
    while (!meters.listed() && reads < READS_PER_STEP) {
      meters = meters.after(account.activeMeters(meters.next()), connector.meters().values());
      reads++;
    }
    findings = findings.metersRead(meters);
    if (!meters.listed()) {
      return new Compared(job.finding(findings), true);
    }
    MeterCheck listed = meters;
    List<Fitting> fitting =
        connector.meters().values().stream()
            .sorted(Comparator.comparing(MeterMapping::entitlement))
            .flatMap(
                mapping ->
                    listed
                        .fittingMeterOf(mapping)
                        .map(meter -> new Fitting(mapping, meter))
                        .stream())
            .toList();
    if (fitting.isEmpty()) {
      return new Compared(job.finding(findings.compared(null, 0, 0, List.of(), List.of())), false);
    }
    int left = READS_PER_STEP - reads;
    if (left < fitting.size()) {
      return new Compared(job.finding(findings), true); // the customers from the next step on
    }
    int perPage = Math.min(PageRequest.MAX_LIMIT, left / fitting.size());
    Page<Customer> page =
        customers.customers(job.tenantId(), new PageRequest(findings.customers(), perPage));
    int compared = 0;
    List<ReconciliationReport.Difference> differences = new ArrayList<>();
    List<String> tied = new ArrayList<>();
    for (Customer customer : page.items()) {
      Optional<String> stripeId = connector.stripeCustomerOf(customer);
      if (stripeId.isEmpty()) {
        continue;
      }
      for (Fitting pair : fitting) {
        MeterMapping mapping = pair.mapping();
        CountedUsage.Key key = new CountedUsage.Key(customer.id(), mapping.entitlement());
        // Kaiten's side, and Stripe's: a SUM or COUNT is 0 without events, a last meter has none.
        Optional<BigDecimal> kaiten;
        if (mapping.sendsIncrements()) {
          kaiten = Optional.of(tallies.total(job.tenantId(), job.runId(), key));
        } else {
          Optional<ReconciliationTallies.LastEvent> last =
              tallies.latest(job.tenantId(), job.runId(), key);
          if (last.isPresent() && last.get().tied()) {
            tied.add(tie(key, last.get()));
            continue;
          }
          kaiten = last.map(event -> BigDecimal.valueOf(event.value()));
        }
        Optional<BigDecimal> stripeValue =
            account.aggregatedValue(
                pair.meter().id(), stripeId.get(), job.windowStart(), job.windowEnd());
        if (mapping.sendsIncrements()) {
          stripeValue = Optional.of(stripeValue.orElse(BigDecimal.ZERO));
        }
        compared++;
        if (!same(kaiten, stripeValue)) {
          differences.add(
              new ReconciliationReport.Difference(
                  customer.id(),
                  stripeId.get(),
                  mapping.entitlement(),
                  mapping.eventName(),
                  kaiten.map(StripeReconciliation::plain).orElse(null),
                  stripeValue.map(StripeReconciliation::plain).orElse(null)));
        }
      }
    }
    return new Compared(
        job.finding(
            findings.compared(page.nextCursor(), compared, differences.size(), differences, tied)),
        page.nextCursor() != null);
  }

  /** Equal values, or no value on either side. */
  private static boolean same(Optional<BigDecimal> kaiten, Optional<BigDecimal> stripe) {
    return kaiten.isPresent() && stripe.isPresent()
        ? kaiten.get().compareTo(stripe.get()) == 0
        : kaiten.isEmpty() && stripe.isEmpty();
  }

  /** A tied pair's line of what was not compared. */
  private static String tie(CountedUsage.Key pair, ReconciliationTallies.LastEvent last) {
    return pair.entitlement()
        + " of "
        + pair.customerId()
        + ": its latest events in the window, at "
        + last.second()
        + ", carry different values, and Stripe keeps one of them without saying which:"
        + " not compared";
  }

  /** A mapping and its Stripe meter, which aggregates as the mapping needs. */
  private record Fitting(MeterMapping mapping, MeterSummaryGateway.Meter meter) {}

  private ReconciliationReport report(BillingJob.Reconciliation job, StripeConnector connector) {
    BillingJob.Reconciliation.Findings findings = job.findings();
    return new ReconciliationReport(
        job.tenantId(),
        job.runId(),
        job.windowStart(),
        job.windowEnd(),
        clock.instant(),
        job.progress().reports(),
        findings.compared(),
        findings.differenceCount(),
        findings.differences(),
        notCompared(connector, findings),
        findings.meters() == null ? List.of() : findings.meters().unfit());
  }

  /** 2500.000 as 2500, not 2.5E+3; 2.50 as 2.5. */
  private static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static List<String> notCompared(
      StripeConnector connector, BillingJob.Reconciliation.Findings findings) {
    List<String> lines = new ArrayList<>(findings.tied());
    if (findings.tiedCount() > findings.tied().size()) {
      lines.add(
          (findings.tiedCount() - findings.tied().size())
              + " more pairs of a last meter whose latest events tie: not compared");
    }
    int withoutStripeId = findings.withoutStripeId();
    int unattributed = findings.unattributed();
    if (withoutStripeId > 0) {
      lines.add(
          withoutStripeId
              + " counted reports of customers without a Stripe id ("
              + connector.customerIdKey()
              + ")");
    }
    if (unattributed > 0) {
      lines.add(unattributed + " counted reports whose instance, license or customer is gone");
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
    data.put("stripe_value", difference.stripe());
    // A last meter's side without an event has no value to subtract.
    data.put(
        "difference",
        difference.kaiten() == null || difference.stripe() == null
            ? null
            : difference.kaiten().subtract(difference.stripe()));
    return new Event(
        Ids.newId(Event.ID_PREFIX, report.finishedAt()),
        report.tenantId(),
        EventType.BILLING_RECONCILIATION_MISMATCH,
        report.finishedAt(),
        data);
  }

  /**
   * The run's meters that cannot bill what Kaiten sends them, in one event (a run has at most
   * {@link StripeConnectorAdministration#MAX_METERS}; the run's events are written in one
   * transaction).
   */
  private Event meterEvent(ReconciliationReport report) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("connector", "stripe");
    data.put("run_id", report.runId());
    data.put("window_start", report.windowStart().toString());
    data.put("window_end", report.windowEnd().toString());
    ArrayNode meters = data.putArray("meters");
    for (ReconciliationReport.MeterFinding finding : report.meterFindings()) {
      ObjectNode meter = meters.addObject();
      meter.put("entitlement", finding.entitlement());
      meter.put("event_name", finding.eventName());
      meter.put("problem", problem(finding));
      meter.put("meter_id", finding.meterId());
      meter.put("formula", wire(finding.formula()));
      ArrayNode needed = meter.putArray("formulas_needed");
      finding.needed().forEach(formula -> needed.add(wire(formula)));
    }
    return new Event(
        Ids.newId(Event.ID_PREFIX, report.finishedAt()),
        report.tenantId(),
        EventType.BILLING_RECONCILIATION_METER_MISMATCH,
        report.finishedAt(),
        data);
  }

  /** What is wrong with a finding's meter, as the event and the status name it. */
  public static String problem(ReconciliationReport.MeterFinding finding) {
    return finding.missing() ? "no_active_meter" : "wrong_formula";
  }

  /** A formula as Stripe writes it ({@code sum}); null stays null. */
  public static String wire(MeterFormula formula) {
    return formula == null ? null : formula.name().toLowerCase(Locale.ROOT);
  }
}
