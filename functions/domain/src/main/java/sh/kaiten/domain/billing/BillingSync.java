package sh.kaiten.domain.billing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;

/**
 * Use case: what one write counted goes to the tenant's Stripe meters, each report once.
 *
 * <p>A tenant without a connector, and an entitlement the connector does not map, send nothing. SUM
 * and COUNT reports go one meter event each ({@link MeterEvents#ofReport}). MAX, MIN, AVERAGE and
 * LATEST reports go to a {@code last} meter as the value they leave ({@link MeterEvents#ofValue}),
 * so Stripe holds Kaiten's value as reports come, before any invoice is made; of the reports of one
 * counter in a message (or in a batch of messages), only the one whose event Stripe would keep is
 * sent. Their period's close sends the final value once more ({@link #syncWindow}). The customer
 * billed is the reporting instance's license's, by the Stripe id in its metadata. Every report of
 * the message is tried (each is exactly once on its own) except after Stripe was unavailable, which
 * the others would meet too; the message is done only when all are, else it comes back from the
 * queue and what was sent is not sent again.
 */
public final class BillingSync {
  /** What became of one message. */
  public sealed interface Result {
    /**
     * @param sent meter events Stripe accepted now
     * @param alreadySent reports the ledger had as sent (a redelivery)
     * @param unmapped reports of entitlements the connector does not map (or, for a {@code last}
     *     meter, on a message that does not carry the value they left)
     * @param superseded reports of a {@code last} meter not sent because a later value of the same
     *     counter in the message, or in its batch, was
     */
    record Done(int sent, int alreadySent, int unmapped, int superseded) implements Result {
      public Done(int sent, int alreadySent, int unmapped) {
        this(sent, alreadySent, unmapped, 0);
      }
    }

    /** Not all sent: the message should come back (and, past its receives, be dead-lettered). */
    record Failed(List<String> reasons) implements Result {
      public Failed {
        reasons = List.copyOf(reasons);
      }
    }
  }

  private final StripeConnectors connectors;
  private final MeterEventSenders senders;
  private final InstanceStore instances;
  private final LicenseStore licenses;
  private final CustomerStore customers;

  public BillingSync(
      StripeConnectors connectors,
      MeterEventSenders senders,
      InstanceStore instances,
      LicenseStore licenses,
      CustomerStore customers) {
    this.connectors = connectors;
    this.senders = senders;
    this.instances = instances;
    this.licenses = licenses;
    this.customers = customers;
  }

  public Result sync(AcceptedUsage usage) {
    return sync(usage, Set.of());
  }

  /**
   * @param supersededInBatch reports of the batch the message came in whose value a later one of
   *     the batch supersedes ({@link #superseded(List)}): not sent
   */
  public Result sync(AcceptedUsage usage, Set<String> supersededInBatch) {
    Optional<StripeConnector> found = connectors.find(usage.tenantId());
    if (found.isEmpty()) {
      return new Result.Done(0, 0, usage.reports().size());
    }
    StripeConnector connector = found.get();
    List<AcceptedReport> mapped =
        usage.reports().stream()
            .filter(
                report ->
                    connector
                        .meterOf(report.entitlement())
                        .filter(meter -> meter.sendsIncrements() || report.standing() != null)
                        .isPresent())
            .toList();
    int unmapped = usage.reports().size() - mapped.size();
    Set<String> superseded = new HashSet<>(supersededInBatch);
    superseded.addAll(superseded(List.of(usage), tenant -> found));
    List<AcceptedReport> billed =
        mapped.stream().filter(report -> !superseded.contains(report.reportId())).toList();
    int notSent = mapped.size() - billed.size();
    if (billed.isEmpty()) {
      return new Result.Done(0, 0, unmapped, notSent);
    }
    Optional<MeterEventDelivery> delivery = senders.forTenant(usage.tenantId());
    if (delivery.isEmpty()) {
      return failed("tenant " + usage.tenantId() + " has a Stripe connector but no key");
    }
    Optional<String> stripeCustomer = stripeCustomer(usage, connector);
    if (stripeCustomer.isEmpty()) {
      return failed(
          "instance "
              + usage.instanceId()
              + "'s customer has no Stripe id in its metadata ("
              + connector.customerIdKey()
              + ")");
    }
    int sent = 0;
    int already = 0;
    List<String> reasons = new ArrayList<>();
    for (AcceptedReport report : billed) {
      MeterEventDelivery.Outcome outcome;
      try {
        outcome =
            delivery
                .get()
                .deliver(event(connector, report, usage.countedAt(), stripeCustomer.get()));
      } catch (InvalidInputException unfit) {
        reasons.add("report " + report.reportId() + ": " + unfit.getMessage());
        continue;
      }
      if (outcome instanceof MeterEventDelivery.Outcome.Sent) {
        sent++;
      } else if (outcome instanceof MeterEventDelivery.Outcome.AlreadySent) {
        already++;
      } else {
        reasons.add("report " + report.reportId() + ": " + outcome);
        if (outcome instanceof MeterEventDelivery.Outcome.RetryLater) {
          break; // the next reports would meet the same Stripe
        }
      }
    }
    return reasons.isEmpty()
        ? new Result.Done(sent, already, unmapped, notSent)
        : new Result.Failed(reasons);
  }

  private static MeterEvent event(
      StripeConnector connector, AcceptedReport report, Instant countedAt, String customer) {
    MeterMapping meter = connector.meterOf(report.entitlement()).orElseThrow();
    return meter.sendsIncrements()
        ? MeterEvents.ofReport(meter, report, customer)
        : MeterEvents.ofValue(meter, report, countedAt, customer);
  }

  /**
   * The reports of a batch of messages whose value Stripe would not keep, because a report of the
   * same counter (one instance, entitlement and period) in the batch is stamped later: at the same
   * instant, for LATEST the larger value (as the counter keeps it), else the later report, whose
   * value follows the earlier ones. Sent, they would only lose; {@link #sync(AcceptedUsage, Set)}
   * leaves them out. A redelivered batch leaves out the same ones.
   */
  public Set<String> superseded(List<AcceptedUsage> batch) {
    Map<String, Optional<StripeConnector>> byTenant = new HashMap<>();
    return superseded(batch, tenant -> byTenant.computeIfAbsent(tenant, connectors::find));
  }

  private static Set<String> superseded(
      List<AcceptedUsage> batch, Function<String, Optional<StripeConnector>> connectorOf) {
    Map<List<Object>, Value> latest = new HashMap<>();
    Set<String> values = new HashSet<>();
    for (AcceptedUsage usage : batch) {
      Optional<StripeConnector> connector = connectorOf.apply(usage.tenantId());
      for (AcceptedReport report : usage.reports()) {
        Optional<MeterMapping> meter =
            connector
                .flatMap(found -> found.meterOf(report.entitlement()))
                .filter(mapping -> !mapping.sendsIncrements());
        if (meter.isEmpty() || report.standing() == null) {
          continue;
        }
        values.add(report.reportId());
        latest.merge(
            Arrays.asList(
                usage.tenantId(),
                usage.instanceId(),
                report.entitlement(),
                report.standing().periodEnd()),
            new Value(report, meter.get().aggregation(), usage.countedAt()),
            Value::latest);
      }
    }
    latest.values().forEach(value -> values.remove(value.report().reportId()));
    return values;
  }

  /** A report's value to a {@code last} meter, and when it is stamped. */
  private record Value(AcceptedReport report, Aggregation aggregation, Instant countedAt) {
    Instant at() {
      return MeterEvents.valueTime(aggregation, report, countedAt);
    }

    /** Of this value and a later one, the one Stripe keeps. */
    Value latest(Value later) {
      int order = later.at().compareTo(at());
      if (order == 0 && aggregation == Aggregation.LATEST) {
        order = later.report().value().compareTo(report.value());
      }
      return order >= 0 ? later : this;
    }
  }

  /**
   * A MAX, MIN, AVERAGE or LATEST counter's value at the end of a window, once, to its {@code last}
   * meter: the customer billed is the holder's (an instance's license's, or the license's).
   */
  public Result syncWindow(WindowValue window) {
    Optional<MeterMapping> mapping =
        connectors
            .find(window.tenantId())
            .flatMap(connector -> connector.meterOf(window.entitlement()))
            .filter(meter -> !meter.sendsIncrements());
    if (mapping.isEmpty()) {
      return new Result.Done(0, 0, 1);
    }
    StripeConnector connector = connectors.find(window.tenantId()).orElseThrow();
    Optional<MeterEventDelivery> delivery = senders.forTenant(window.tenantId());
    if (delivery.isEmpty()) {
      return failed("tenant " + window.tenantId() + " has a Stripe connector but no key");
    }
    String holderId = window.holder().substring(window.holder().indexOf(':') + 1);
    Optional<String> license =
        window.holder().startsWith("license:")
            ? Optional.of(holderId)
            : instances.findInstance(window.tenantId(), holderId).map(Instance::licenseId);
    Optional<String> stripeCustomer = stripeCustomer(window.tenantId(), license, connector);
    if (stripeCustomer.isEmpty()) {
      return failed(
          window.holder()
              + "'s customer has no Stripe id in its metadata ("
              + connector.customerIdKey()
              + ")");
    }
    MeterEventDelivery.Outcome outcome;
    try {
      outcome =
          delivery.get().deliver(MeterEvents.ofWindow(mapping.get(), window, stripeCustomer.get()));
    } catch (InvalidInputException unfit) {
      return failed("window " + window.windowStart() + ": " + unfit.getMessage());
    }
    if (outcome instanceof MeterEventDelivery.Outcome.Sent) {
      return new Result.Done(1, 0, 0);
    }
    if (outcome instanceof MeterEventDelivery.Outcome.AlreadySent) {
      return new Result.Done(0, 1, 0);
    }
    return failed("window " + window.windowStart() + " of " + window.holder() + ": " + outcome);
  }

  private Optional<String> stripeCustomer(AcceptedUsage usage, StripeConnector connector) {
    return stripeCustomer(
        usage.tenantId(),
        instances.findInstance(usage.tenantId(), usage.instanceId()).map(Instance::licenseId),
        connector);
  }

  private Optional<String> stripeCustomer(
      String tenantId, Optional<String> license, StripeConnector connector) {
    return license
        .flatMap(id -> licenses.findLicense(tenantId, id))
        .map(License::customerId)
        .flatMap(customer -> customers.findCustomer(tenantId, customer))
        .flatMap(connector::stripeCustomerOf);
  }

  private static Result failed(String reason) {
    return new Result.Failed(List.of(reason));
  }
}
