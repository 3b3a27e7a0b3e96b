package sh.kaiten.console;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.access.ConsoleSignIn;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.CustomerAdministration;
import sh.kaiten.domain.admin.InstanceAdministration;
import sh.kaiten.domain.admin.LicenseAdministration;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.InstanceLookup;
import sh.kaiten.domain.license.InstanceReads;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.metering.UsageCounters;
import sh.kaiten.domain.metering.UsageHistory;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.UsageViews;
import sh.kaiten.runtime.KaitenConfig;

/**
 * Builds the use cases the console's pages read through. Definitions are read as stored (no cache):
 * a console answers what is true now, and its traffic is a person's.
 */
public class ConsoleWiring {
  /**
   * The pages of this slice change nothing; a change made through these use cases would go
   * unaudited, so it fails loudly instead (changes come with the API's request journal when the
   * console gets them).
   */
  private static final ChangeJournal READ_ONLY =
      (tenantId, type, subject, events) -> {
        throw new IllegalStateException("the console makes no changes yet (" + type + ")");
      };

  @Produces
  @Singleton
  ConsoleSignIn signIn(
      TokenStore tokens, ConsoleSessions sessions, Clock clock, KaitenConfig config) {
    return new ConsoleSignIn(tokens, sessions, clock, config.console().sessionLifetime());
  }

  @Produces
  @Singleton
  CustomerAdministration customers(CustomerStore customers, Clock clock) {
    return new CustomerAdministration(customers, READ_ONLY, clock);
  }

  @Produces
  @Singleton
  LicenseAdministration licenses(
      Definitions definitions,
      CustomerStore customers,
      LicenseStore licenses,
      Clock clock,
      KaitenConfig config) {
    return new LicenseAdministration(
        definitions, customers, licenses, READ_ONLY, clock, config.lifecycle().trialNotice());
  }

  @Produces
  @Singleton
  InstanceAdministration instances(
      LicenseStore licenses, InstanceStore instances, TokenStore tokens, Clock clock) {
    return new InstanceAdministration(licenses, instances, tokens, READ_ONLY, clock);
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
}
