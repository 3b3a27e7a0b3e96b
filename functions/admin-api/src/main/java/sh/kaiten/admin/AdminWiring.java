package sh.kaiten.admin;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.usage.UsageViews;
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
      AdminStores stores, RequestJournal journal, Clock clock, KaitenConfig config, DeploymentSecrets secrets) {
    return new Administration(stores, journal, clock, secrets.bootstrapSecret(), config.lifecycle().trialNotice());
  }

  @Produces
  @Singleton
  Webhooks webhooks(WebhookStore store, WebhookUrlPolicy urls, RequestJournal journal, Clock clock, KaitenConfig config) {
    return new Webhooks(store, urls, journal, clock, config.webhooks().secretGrace());
  }

  @Produces
  @Singleton
  UsageViews usageViews(Definitions definitions, LicenseStore licenses, InstanceStore instances, UsageHistory history,
      Clock clock) {
    return new UsageViews(definitions, licenses, instances, history, clock);
  }
}
