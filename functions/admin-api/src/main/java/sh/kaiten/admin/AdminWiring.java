package sh.kaiten.admin;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.CatalogAdministration;
import sh.kaiten.domain.admin.CatalogChangeStore;
import sh.kaiten.domain.admin.CatalogPlans;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.admin.TenantBootstrap;
import sh.kaiten.domain.admin.TokenAdministration;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;
import sh.kaiten.domain.webhooks.Webhooks;
import sh.kaiten.http.RequestJournal;
import sh.kaiten.runtime.DeploymentSecrets;
import sh.kaiten.runtime.KaitenConfig;

/** Builds the use cases this function serves. */
public class AdminWiring {

  @Produces
  @Singleton
  Administration administration(
      AdminStores stores,
      RequestJournal journal,
      Clock clock,
      KaitenConfig config,
      DeploymentSecrets secrets) {
    return new Administration(
        stores, journal, clock, secrets.bootstrapSecret(), config.lifecycle().trialNotice());
  }

  // Each resource takes the use case of the records it serves.

  @Produces
  @Singleton
  TenantBootstrap tenants(Administration administration) {
    return administration.tenants();
  }

  @Produces
  @Singleton
  TokenAdministration tokens(Administration administration) {
    return administration.tokens();
  }

  @Produces
  @Singleton
  CatalogAdministration catalog(Administration administration) {
    return administration.catalog();
  }

  @Produces
  @Singleton
  CatalogPlans catalogPlans(
      AdminStores stores,
      CatalogChangeStore changes,
      WebhookStore webhooks,
      WebhookUrlPolicy urls,
      RequestJournal journal,
      Clock clock) {
    return new CatalogPlans(stores, changes, webhooks, urls, journal, clock);
  }

  @Produces
  @Singleton
  CustomerAdministration customers(Administration administration) {
    return administration.customers();
  }

  @Produces
  @Singleton
  LicenseAdministration licenses(Administration administration) {
    return administration.licenses();
  }

  @Produces
  @Singleton
  InstanceAdministration instances(Administration administration) {
    return administration.instances();
  }

  @Produces
  @Singleton
  Webhooks webhooks(
      WebhookStore store,
      WebhookUrlPolicy urls,
      RequestJournal journal,
      Clock clock,
      KaitenConfig config) {
    return new Webhooks(store, urls, journal, clock, config.webhooks().secretGrace());
  }
}
