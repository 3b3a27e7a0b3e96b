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
 * so Stripe holds Kaiten's value as reports come, before any invoice is made; of the message's
 * reports of one counter, only the one whose event Stripe would keep is sent. Their period's close
 * sends the final value once more ({@link #syncWindow}). The customer billed is the reporting
 * instance's license's, by the Stripe id in its metadata. Every report of the message is tried
 * (each is exactly once on its own) except after Stripe was unavailable, which the others would
 * meet too; the message is done only when all are, else it comes back from the queue and what was
 * sent is not sent again.
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
     *     counter in the message was
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
    List<AcceptedReport> billed = latestValues(mapped, connector, usage.countedAt());
    int superseded = mapped.size() - billed.size();
    if (billed.isEmpty()) {
      return new Result.Done(0, 0, unmapped, superseded);
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
        ? new Result.Done(sent, already, unmapped, superseded)
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
   * The reports to send, in order: every increment, and of the values of one counter (one
   * entitlement and period: the message is one instance's) only the one Stripe would keep, the
   * latest stamped; at the same instant a LATEST counter keeps the larger value, and the others the
   * later report, whose value follows the earlier ones. The others would be sent only to lose.
   */
  private static List<AcceptedReport> latestValues(
      List<AcceptedReport> reports, StripeConnector connector, Instant countedAt) {
    Map<List<Object>, AcceptedReport> kept = new HashMap<>();
    for (AcceptedReport report : reports) {
      MeterMapping meter = connector.meterOf(report.entitlement()).orElseThrow();
      if (!meter.sendsIncrements()) {
        kept.merge(
            Arrays.asList(report.entitlement(), report.standing().periodEnd()),
            report,
            (before, later) -> keeps(meter.aggregation(), before, later, countedAt));
      }
    }
    Set<AcceptedReport> latest = new HashSet<>(kept.values());
    return reports.stream()
        .filter(
            report ->
                latest.contains(report)
                    || connector.meterOf(report.entitlement()).orElseThrow().sendsIncrements())
        .toList();
  }

  private static AcceptedReport keeps(
      Aggregation aggregation, AcceptedReport before, AcceptedReport later, Instant countedAt) {
    int order =
        MeterEvents.valueTime(aggregation, later, countedAt)
            .compareTo(MeterEvents.valueTime(aggregation, before, countedAt));
    if (order == 0 && aggregation == Aggregation.LATEST) {
      order = later.value().compareTo(before.value());
    }
    return order >= 0 ? later : before;
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
