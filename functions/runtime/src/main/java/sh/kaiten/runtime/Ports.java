package sh.kaiten.runtime;

import io.quarkus.arc.All;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sh.kaiten.adapters.aws.AwsClients;
import sh.kaiten.adapters.aws.AwsSettings;
import sh.kaiten.adapters.cache.CachedDefinitions;
import sh.kaiten.adapters.dynamodb.ChangeItems;
import sh.kaiten.adapters.dynamodb.DynamoAuditLog;
import sh.kaiten.adapters.dynamodb.DynamoCatalogChanges;
import sh.kaiten.adapters.dynamodb.DynamoClosedPeriods;
import sh.kaiten.adapters.dynamodb.DynamoClosingCounters;
import sh.kaiten.adapters.dynamodb.DynamoConsoleSessions;
import sh.kaiten.adapters.dynamodb.DynamoCrmConnectors;
import sh.kaiten.adapters.dynamodb.DynamoCrossingMarkers;
import sh.kaiten.adapters.dynamodb.DynamoCustomers;
import sh.kaiten.adapters.dynamodb.DynamoDefinitions;
import sh.kaiten.adapters.dynamodb.DynamoEntitlements;
import sh.kaiten.adapters.dynamodb.DynamoInstanceReads;
import sh.kaiten.adapters.dynamodb.DynamoInstances;
import sh.kaiten.adapters.dynamodb.DynamoLicenses;
import sh.kaiten.adapters.dynamodb.DynamoLifecycleTimers;
import sh.kaiten.adapters.dynamodb.DynamoReconciliationReports;
import sh.kaiten.adapters.dynamodb.DynamoReconciliationTallies;
import sh.kaiten.adapters.dynamodb.DynamoRequestBudget;
import sh.kaiten.adapters.dynamodb.DynamoStripeActivity;
import sh.kaiten.adapters.dynamodb.DynamoStripeConnectors;
import sh.kaiten.adapters.dynamodb.DynamoTenants;
import sh.kaiten.adapters.dynamodb.DynamoTiers;
import sh.kaiten.adapters.dynamodb.DynamoTokenStore;
import sh.kaiten.adapters.dynamodb.DynamoUsageCounters;
import sh.kaiten.adapters.dynamodb.DynamoUsageHistory;
import sh.kaiten.adapters.dynamodb.DynamoWebhookStore;
import sh.kaiten.adapters.secrets.SecretsManagerConnectorKeys;
import sh.kaiten.adapters.secrets.SecretsManagerSecrets;
import sh.kaiten.adapters.sqs.SqsBillingJobs;
import sh.kaiten.adapters.sqs.SqsDeliveryQueue;
import sh.kaiten.adapters.sqs.SqsEvents;
import sh.kaiten.adapters.sqs.SqsQueueDepths;
import sh.kaiten.adapters.sqs.SqsThresholdSignals;
import sh.kaiten.adapters.sqs.SqsUsageStream;
import sh.kaiten.adapters.webhooks.HttpWebhookTransport;
import sh.kaiten.adapters.webhooks.WebhookTargets;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.access.RequestBudget;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.domain.audit.DigestKey;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.billing.BillingJobs;
import sh.kaiten.domain.billing.ConnectorKeys;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.ReconciliationScheduling;
import sh.kaiten.domain.billing.ReconciliationTallies;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.billing.UsageStream;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.EntitlementStore;
import sh.kaiten.domain.catalog.TierStore;
import sh.kaiten.domain.closing.ClosedPeriods;
import sh.kaiten.domain.closing.ClosingCounters;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.crm.CrmPushes;
import sh.kaiten.domain.events.Events;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.TenantStore;
import sh.kaiten.domain.lifecycle.LifecycleTimers;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.operations.QueueDepths;
import sh.kaiten.domain.thresholds.CrossingMarkers;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.ThresholdSignals;
import sh.kaiten.domain.usage.UsageViews;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookTransport;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The domain's ports, wired to DynamoDB and SQS from configuration. Built once per function
 * instance.
 */
public class Ports {

  @Produces
  @Singleton
  AwsSettings awsSettings(KaitenConfig config) {
    return new AwsSettings(
        config.aws().region(),
        config.aws().dynamodbEndpoint().filter(s -> !s.isBlank()).map(URI::create),
        config.aws().sqsEndpoint().filter(s -> !s.isBlank()).map(URI::create));
  }

  /**
   * @param interceptors SDK interceptors defined as beans, e.g. by tests that count round trips
   */
  @Produces
  @Singleton
  DynamoDbClient dynamo(AwsSettings settings, @All List<ExecutionInterceptor> interceptors) {
    return AwsClients.dynamo(settings, interceptors.toArray(ExecutionInterceptor[]::new));
  }

  @Produces
  @Singleton
  SqsClient sqs(AwsSettings settings, @All List<ExecutionInterceptor> interceptors) {
    return AwsClients.sqs(settings, interceptors.toArray(ExecutionInterceptor[]::new));
  }

  @Produces
  @Singleton
  TenantStore tenants(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoTenants(dynamo, config.table().catalog(), changes);
  }

  /** As stored; the read functions wrap it in a cache of their own. */
  @Produces
  @Singleton
  Definitions definitions(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoDefinitions(dynamo, config.table().catalog());
  }

  @Produces
  @Singleton
  EntitlementStore entitlements(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoEntitlements(dynamo, config.table().catalog(), changes);
  }

  @Produces
  @Singleton
  TierStore tiers(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoTiers(dynamo, config.table().catalog(), changes);
  }

  /** Many catalog changes in one transaction (admin-api's catalog apply). */
  @Produces
  @Singleton
  CatalogChangeStore catalogChanges(
      DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoCatalogChanges(
        dynamo, config.table().catalog(), webhooksTable(config), changes);
  }

  @Produces
  @Singleton
  CustomerStore customers(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoCustomers(dynamo, config.table().catalog(), changes);
  }

  @Produces
  @Singleton
  LicenseStore licenses(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoLicenses(dynamo, config.table().catalog(), changes);
  }

  @Produces
  @Singleton
  InstanceStore instances(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoInstances(dynamo, config.table().catalog(), changes);
  }

  /**
   * The control plane's ports together (admin-api's use cases; the tests' fixtures in every
   * function).
   */
  @Produces
  @Singleton
  AdminStores adminStores(
      TenantStore tenants,
      Definitions definitions,
      EntitlementStore entitlements,
      TierStore tiers,
      CustomerStore customers,
      LicenseStore licenses,
      InstanceStore instances,
      TokenStore tokens) {
    return new AdminStores(
        tenants, definitions, entitlements, tiers, customers, licenses, instances, tokens);
  }

  @Produces
  @Singleton
  TokenStore tokens(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoTokenStore(dynamo, config.table().tokens(), changes);
  }

  @Produces
  @Singleton
  ConsoleSessions consoleSessions(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoConsoleSessions(
        dynamo,
        config
            .table()
            .sessions()
            .filter(s -> !s.isBlank())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "KAITEN_TABLE_SESSIONS is not set for this function")));
  }

  /** How a change's events (the outbox) and audit records join its transaction. */
  @Produces
  @Singleton
  ChangeItems changeItems(KaitenConfig config) {
    return new ChangeItems(
        config.table().outbox().filter(s -> !s.isBlank()).orElse(null), config.table().audit());
  }

  @Produces
  @Singleton
  UsageCounters counters(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoUsageCounters(dynamo, config.table().usage(), changes);
  }

  @Produces
  @Singleton
  UsageHistory usageHistory(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoUsageHistory(dynamo, config.table().usage());
  }

  /**
   * Usage history and export (admin-api's views and the console's pages), definitions as stored.
   */
  @Produces
  @Singleton
  UsageViews usageViews(
      Definitions definitions,
      LicenseStore licenses,
      InstanceStore instances,
      UsageHistory history,
      Clock clock) {
    return new UsageViews(definitions, licenses, instances, history, clock);
  }

  /**
   * The CRM connector's pushes (webhook-dispatcher on usage events, scheduler daily): the
   * entitlement answers read as an admin of the tenant would, definitions cached as the data plane
   * caches them.
   */
  @Produces
  @Singleton
  CrmPushes crmPushes(
      CrmConnectors connectors,
      CustomerStore customers,
      LicenseStore licenses,
      InstanceStore instances,
      InstanceReads reads,
      UsageCounters counters,
      Definitions stored,
      WebhookStore store,
      Clock clock) {
    Definitions definitions = new CachedDefinitions(stored, clock, CachedDefinitions.TTL);
    return new CrmPushes(
        connectors,
        customers,
        licenses,
        instances,
        new EntitlementQueries(
            definitions,
            new InstanceLookup(definitions, instances, licenses, reads),
            counters,
            clock),
        store,
        clock);
  }

  @Produces
  @Singleton
  InstanceReads instanceReads(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoInstanceReads(dynamo, config.table().catalog(), config.table().usage());
  }

  @Produces
  @Singleton
  CrossingMarkers crossingMarkers(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoCrossingMarkers(dynamo, config.table().usage(), changes);
  }

  @Produces
  @Singleton
  LifecycleTimers lifecycleTimers(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoLifecycleTimers(dynamo, config.table().catalog(), changes);
  }

  @Produces
  @Singleton
  ClosingCounters closingCounters(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoClosingCounters(dynamo, config.table().usage());
  }

  /**
   * The closed periods (the scheduler's period closing keeps them, billing-sync's reconciliations
   * read them), on the Usage table.
   */
  @Produces
  @Singleton
  ClosedPeriods closedPeriods(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoClosedPeriods(dynamo, config.table().usage());
  }

  @Produces
  @Singleton
  ThresholdSignals thresholdSignals(SqsClient sqs, KaitenConfig config) {
    return new SqsThresholdSignals(
        sqs, queueUrl(config.queue().thresholds(), "KAITEN_QUEUE_THRESHOLDS"));
  }

  @Produces
  @Singleton
  Events events(SqsClient sqs, KaitenConfig config) {
    return new SqsEvents(sqs, queueUrl(config.queue().events(), "KAITEN_QUEUE_EVENTS"));
  }

  @Produces
  @Singleton
  WebhookStore webhooks(DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoWebhookStore(dynamo, webhooksTable(config), changes);
  }

  /** billing-sync's tallies per tenant, on the Usage table. */
  @Produces
  @Singleton
  StripeActivity stripeActivity(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoStripeActivity(dynamo, config.table().usage());
  }

  /**
   * Reconciliations against Stripe (billing-sync records them, the scheduler marks its days,
   * admin-api reads the latest), on the Usage table.
   */
  @Produces
  @Singleton
  ReconciliationReports reconciliationReports(
      DynamoDbClient dynamo, ChangeItems changes, KaitenConfig config) {
    return new DynamoReconciliationReports(dynamo, config.table().usage(), changes);
  }

  /** A reconciliation run's working totals (billing-sync), beside its results. */
  @Produces
  @Singleton
  ReconciliationTallies reconciliationTallies(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoReconciliationTallies(dynamo, config.table().usage());
  }

  /**
   * Reconciliations against Stripe put on the billing queue: the scheduler's daily ones (a day is
   * settled once usage-api's late window has passed its end) and an admin's (admin-api).
   */
  @Produces
  @Singleton
  ReconciliationScheduling reconciliationScheduling(
      StripeConnectors connectors,
      ReconciliationReports reports,
      BillingJobs jobs,
      Clock clock,
      KaitenConfig config) {
    return new ReconciliationScheduling(
        connectors, reports, jobs, clock, config.usage().lateWindow());
  }

  /** The queues a connector's status shows (admin-api): each URL is asked for only when read. */
  @Produces
  @Singleton
  QueueDepths queueDepths(SqsClient sqs, KaitenConfig config) {
    Map<QueueDepths.Backlog, Optional<String>> configured =
        Map.of(
            QueueDepths.Backlog.BILLING, config.queue().billing(),
            QueueDepths.Backlog.BILLING_DEAD_LETTERS, config.queue().billingDeadLetters(),
            QueueDepths.Backlog.DELIVERIES_DEAD_LETTERS, config.queue().deliveriesDeadLetters());
    Map<QueueDepths.Backlog, String> urls = new EnumMap<>(QueueDepths.Backlog.class);
    configured.forEach(
        (backlog, url) -> url.filter(s -> !s.isBlank()).ifPresent(u -> urls.put(backlog, u)));
    return new SqsQueueDepths(sqs, urls);
  }

  /** On the Webhooks table, beside the deliveries of its pushes. */
  @Produces
  @Singleton
  CrmConnectors crmConnectors(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoCrmConnectors(dynamo, webhooksTable(config));
  }

  private static String webhooksTable(KaitenConfig config) {
    return config
        .table()
        .webhooks()
        .filter(s -> !s.isBlank())
        .orElseThrow(
            () -> new IllegalStateException("KAITEN_TABLE_WEBHOOKS is not set for this function"));
  }

  /** What usage writes counted, for billing-sync (outbox-publisher puts it there). */
  @Produces
  @Singleton
  UsageStream usageStream(SqsClient sqs, KaitenConfig config) {
    return new SqsUsageStream(sqs, queueUrl(config.queue().billing(), "KAITEN_QUEUE_BILLING"));
  }

  /**
   * billing-sync's jobs (a closed period's flush, a backfill), on the billing queue:
   * outbox-publisher and billing-sync put them there.
   */
  @Produces
  @Singleton
  BillingJobs billingJobs(SqsClient sqs, KaitenConfig config) {
    return new SqsBillingJobs(sqs, queueUrl(config.queue().billing(), "KAITEN_QUEUE_BILLING"));
  }

  /**
   * Typed as the SQS adapter too: the dispatcher also hides failed messages for their retry delay.
   */
  @Produces
  @Singleton
  SqsDeliveryQueue deliveries(SqsClient sqs, KaitenConfig config) {
    return new SqsDeliveryQueue(
        sqs, queueUrl(config.queue().deliveries(), "KAITEN_QUEUE_DELIVERIES"));
  }

  /**
   * Typed as the URL policy too: admin-api checks URLs with it, the dispatcher connects through it.
   */
  @Produces
  @Singleton
  WebhookTargets webhookTargets(KaitenConfig config) {
    return new WebhookTargets(config.webhooks().allowPrivate());
  }

  @Produces
  @Singleton
  WebhookTransport webhookTransport(WebhookTargets targets, KaitenConfig config) {
    return new HttpWebhookTransport(
        targets, config.webhooks().connectTimeout(), config.webhooks().readTimeout());
  }

  private static String queueUrl(Optional<String> configured, String variable) {
    return configured
        .filter(s -> !s.isBlank())
        .orElseThrow(() -> new IllegalStateException(variable + " is not set for this function"));
  }

  @Produces
  @Singleton
  AuditLog auditLog(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoAuditLog(dynamo, config.table().audit());
  }

  @Produces
  @Singleton
  Auditing auditing(AuditLog log, Clock clock, KaitenConfig config, DeploymentSecrets secrets) {
    return new Auditing(
        log,
        clock,
        Duration.ofDays(config.audit().retentionDays()),
        secrets.auditDigestKey().map(DigestKey::new));
  }

  /**
   * Read once, when first needed (at cold start): one GetSecretValue per secret the function is
   * given.
   */
  @Produces
  @Singleton
  DeploymentSecrets secrets(
      KaitenConfig config, AwsSettings settings, @All List<ExecutionInterceptor> interceptors) {
    KaitenConfig.Secrets secrets = config.secrets();
    if (secrets.source() == KaitenConfig.Secrets.Source.ENVIRONMENT) {
      return new DeploymentSecrets(config.bootstrapSecret(), config.audit().digestKey());
    }
    Optional<String> bootstrapId = secrets.bootstrapSecretId().filter(id -> !id.isBlank());
    Optional<String> digestKeyId = secrets.auditDigestKeyId().filter(id -> !id.isBlank());
    if (bootstrapId.isEmpty() && digestKeyId.isEmpty()) {
      return new DeploymentSecrets(Optional.empty(), Optional.empty());
    }
    try (SecretsManagerClient client = secretsManager(config, settings, interceptors)) {
      SecretsManagerSecrets store = new SecretsManagerSecrets(client);
      return new DeploymentSecrets(store.value(bootstrapId), store.value(digestKeyId));
    }
  }

  @Produces
  @Singleton
  StripeConnectors stripeConnectors(DynamoDbClient dynamo, KaitenConfig config) {
    return new DynamoStripeConnectors(dynamo, config.table().catalog());
  }

  /**
   * Tenants' Stripe keys, in Secrets Manager wherever the function runs (kaiten-local and the tests
   * give it a local one at {@code KAITEN_AWS_SECRETSMANAGER_ENDPOINT}).
   */
  @Produces
  @Singleton
  ConnectorKeys connectorKeys(
      KaitenConfig config,
      AwsSettings settings,
      Clock clock,
      @All List<ExecutionInterceptor> interceptors) {
    return new SecretsManagerConnectorKeys(secretsManager(config, settings, interceptors), clock);
  }

  private static SecretsManagerClient secretsManager(
      KaitenConfig config, AwsSettings settings, List<ExecutionInterceptor> interceptors) {
    return AwsClients.secretsManager(
        settings,
        config.aws().secretsManagerEndpoint().filter(s -> !s.isBlank()).map(URI::create),
        interceptors.toArray(ExecutionInterceptor[]::new));
  }

  @Produces
  @Singleton
  RequestBudget requestBudget(DynamoDbClient dynamo, Clock clock, KaitenConfig config) {
    return config
        .table()
        .budgets()
        .filter(table -> !table.isBlank())
        .<RequestBudget>map(
            table ->
                new DynamoRequestBudget(
                    dynamo,
                    table,
                    clock,
                    config.budget().requestsPerSecond(),
                    config.budget().window()))
        .orElse(RequestBudget.UNLIMITED);
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
