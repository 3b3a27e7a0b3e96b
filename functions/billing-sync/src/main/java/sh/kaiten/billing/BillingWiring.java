package sh.kaiten.billing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import sh.kaiten.adapters.dynamodb.DynamoSentLedger;
import sh.kaiten.adapters.stripe.StripeMeterEvents;
import sh.kaiten.adapters.stripe.StripeMeterSummaries;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.billing.Backoff;
import sh.kaiten.domain.billing.BillingJobs;
import sh.kaiten.domain.billing.BillingSync;
import sh.kaiten.domain.billing.ConnectorKeys;
import sh.kaiten.domain.billing.MeterEventDelivery;
import sh.kaiten.domain.billing.MeterEventSenders;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.ReconciliationTallies;
import sh.kaiten.domain.billing.SentLedger;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.billing.StripeReconciliation;
import sh.kaiten.domain.billing.TrailReplay;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.runtime.KaitenConfig;

/** Builds the use case this function serves. */
public class BillingWiring {
  /** Backoff from 200 ms doubling to 10 s, within {@code kaiten.stripe.retry-for}. */
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  private static final int MAX_ATTEMPTS = 20;

  @Produces
  @Singleton
  SentLedger ledger(
      software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoSentLedger(dynamo, config.table().usage());
  }

  /**
   * One delivery per tenant and key: its client carries the key, and its lanes serialize the calls
   * per customer and meter of that Stripe account. A replaced key makes a new one.
   */
  @Produces
  @Singleton
  MeterEventSenders senders(
      ConnectorKeys keys, SentLedger ledger, Clock clock, KaitenConfig config) {
    KaitenConfig.Stripe stripe = config.stripe();
    Map<String, MeterEventDelivery> byKey = new ConcurrentHashMap<>();
    return tenantId ->
        keys.stripeKey(tenantId)
            .map(
                key ->
                    byKey.computeIfAbsent(
                        tenantId + " " + key,
                        unused ->
                            new MeterEventDelivery(
                                new StripeMeterEvents(
                                    StripeMeterEvents.client(
                                        key, stripe.apiBase(), stripe.timeout())),
                                ledger,
                                clock,
                                wait -> Thread.sleep(wait.toMillis()),
                                BACKOFF,
                                MAX_ATTEMPTS,
                                stripe.retryFor(),
                                ThreadLocalRandom.current())));
  }

  @Produces
  @Singleton
  BillingSync sync(
      StripeConnectors connectors,
      MeterEventSenders senders,
      InstanceStore instances,
      LicenseStore licenses,
      CustomerStore customers) {
    return new BillingSync(connectors, senders, instances, licenses, customers);
  }

  /** Reconciliation's reads of each tenant's Stripe account, through its own key. */
  @Produces
  @Singleton
  StripeReconciliation reconciliation(
      StripeConnectors connectors,
      TrailReplay replay,
      ClosedPeriods closed,
      InstanceStore instances,
      LicenseStore licenses,
      CustomerStore customers,
      ConnectorKeys keys,
      ReconciliationTallies tallies,
      ReconciliationReports reports,
      BillingJobs jobs,
      Clock clock,
      KaitenConfig config) {
    KaitenConfig.Stripe stripe = config.stripe();
    return new StripeReconciliation(
        connectors,
        replay,
        closed,
        instances,
        licenses,
        customers,
        tenantId ->
            keys.stripeKey(tenantId)
                .map(
                    key ->
                        new StripeMeterSummaries(
                            StripeMeterEvents.client(key, stripe.apiBase(), stripe.timeout()))),
        tallies,
        reports,
        jobs,
        clock);
  }

  @Produces
  @Singleton
  TrailReplay replay(
      StripeConnectors connectors,
      AuditLog trail,
      InstanceStore instances,
      BillingSync sync,
      BillingJobs jobs) {
    return new TrailReplay(connectors, trail, instances, sync, jobs);
  }
}
