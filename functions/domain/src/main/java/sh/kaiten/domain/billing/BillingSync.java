package sh.kaiten.domain.billing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * and COUNT reports go one meter event each ({@link MeterEvents#ofReport}); MAX, MIN, AVERAGE and
 * LATEST go once per window ({@link #syncWindow}). The customer billed is the reporting instance's
 * license's, by the Stripe id in its metadata. Every report of the message is tried (each is
 * exactly once on its own) except after Stripe was unavailable, which the others would meet too;
 * the message is done only when all are, else it comes back from the queue and what was sent is not
 * sent again.
 */
public final class BillingSync {
  /** What became of one message. */
  public sealed interface Result {
    /**
     * @param sent meter events Stripe accepted now
     * @param alreadySent reports the ledger had as sent (a redelivery)
     * @param unmapped reports of entitlements the connector does not send per report
     */
    record Done(int sent, int alreadySent, int unmapped) implements Result {}

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
    List<AcceptedReport> billed =
        usage.reports().stream()
            .filter(
                report ->
                    connector
                        .meterOf(report.entitlement())
                        .filter(MeterMapping::sendsIncrements)
                        .isPresent())
            .toList();
    int unmapped = usage.reports().size() - billed.size();
    if (billed.isEmpty()) {
      return new Result.Done(0, 0, unmapped);
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
                .deliver(
                    MeterEvents.ofReport(
                        connector.meterOf(report.entitlement()).orElseThrow(),
                        report,
                        stripeCustomer.get()));
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
        ? new Result.Done(sent, already, unmapped)
        : new Result.Failed(reasons);
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
