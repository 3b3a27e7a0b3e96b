package sh.kaiten.admin;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.billing.BillingJobs;
import sh.kaiten.domain.billing.ConnectorKeys;
import sh.kaiten.domain.billing.ReconciliationReports;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeBackfill;
import sh.kaiten.domain.billing.StripeConnectorAdministration;
import sh.kaiten.domain.billing.StripeConnectorStatus;
import sh.kaiten.domain.billing.StripeConnectors;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.crm.CrmConnectorAdministration;
import sh.kaiten.domain.crm.CrmConnectorStatus;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.operations.QueueDepths;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;

/** Builds the connectors' use case (beside AdminWiring, which builds the catalog's). */
public class ConnectorsWiring {
  @Produces
  @Singleton
  StripeConnectorAdministration stripeConnectors(
      StripeConnectors connectors, ConnectorKeys keys, Definitions definitions, Clock clock) {
    return new StripeConnectorAdministration(connectors, keys, definitions, clock);
  }

  @Produces
  @Singleton
  StripeBackfill stripeBackfill(StripeConnectors connectors, BillingJobs jobs, Clock clock) {
    return new StripeBackfill(connectors, jobs, clock);
  }

  @Produces
  @Singleton
  CrmConnectorAdministration crmConnectors(
      CrmConnectors connectors, WebhookUrlPolicy urls, Clock clock) {
    return new CrmConnectorAdministration(connectors, urls, clock);
  }

  @Produces
  @Singleton
  StripeConnectorStatus stripeStatus(
      StripeConnectors connectors,
      StripeActivity activity,
      QueueDepths queues,
      ReconciliationReports reconciliations) {
    return new StripeConnectorStatus(connectors, activity, queues, reconciliations);
  }

  @Produces
  @Singleton
  CrmConnectorStatus crmStatus(
      CrmConnectors connectors, WebhookStore deliveries, QueueDepths queues, Clock clock) {
    return new CrmConnectorStatus(connectors, deliveries, queues, clock);
  }
}
