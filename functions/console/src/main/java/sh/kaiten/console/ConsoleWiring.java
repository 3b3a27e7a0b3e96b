package sh.kaiten.console;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.access.ConsoleSignIn;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.Administration;
import sh.kaiten.domain.admin.CatalogAdministration;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.preview.LicenseChangePreview;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.NearLimits;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;
import sh.kaiten.domain.webhooks.Webhooks;
import sh.kaiten.runtime.KaitenConfig;

/**
 * Builds the use cases the console's pages go through: the control plane's own (a change made here
 * is checked, evented and audited as the API's is; {@link ConsoleJournal} records it), definitions
 * as stored (no cache): a console answers what is true now, and its traffic is a person's.
 */
public class ConsoleWiring {

  @Produces
  @Singleton
  ConsoleSignIn signIn(
      TokenStore tokens, ConsoleSessions sessions, Clock clock, KaitenConfig config) {
    return new ConsoleSignIn(tokens, sessions, clock, config.console().sessionLifetime());
  }

  /** No bootstrap secret: the console creates no tenant. */
  @Produces
  @Singleton
  Administration administration(
      AdminStores stores, ConsoleJournal journal, Clock clock, KaitenConfig config) {
    return new Administration(
        stores, journal, clock, Optional.empty(), config.lifecycle().trialNotice());
  }

  @Produces
  @Singleton
  CatalogAdministration catalog(Administration administration) {
    return administration.catalog();
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
  EntitlementQueries queries(
      Definitions definitions,
      InstanceStore instances,
      LicenseStore licenses,
      InstanceReads reads,
      UsageCounters counters,
      Clock clock) {
    return new EntitlementQueries(
        definitions, new InstanceLookup(definitions, instances, licenses, reads), counters, clock);
  }

  /** The admin API's webhooks use case: a redelivery from here is the API's redeliver. */
  @Produces
  @Singleton
  Webhooks webhooks(
      WebhookStore store,
      WebhookUrlPolicy urls,
      ConsoleJournal journal,
      Clock clock,
      KaitenConfig config) {
    return new Webhooks(store, urls, journal, clock, config.webhooks().secretGrace());
  }

  @Produces
  @Singleton
  NearLimits nearLimits(
      Definitions definitions,
      LicenseStore licenses,
      InstanceStore instances,
      EntitlementQueries queries,
      Clock clock) {
    return new NearLimits(definitions, licenses, instances, queries, clock);
  }

  @Produces
  @Singleton
  LicenseChangePreview previews(Administration administration, EntitlementQueries queries) {
    return new LicenseChangePreview(administration.licenses(), administration.instances(), queries);
  }
}
