package sh.kaiten.domain.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import sh.kaiten.domain.outbox.ChangeJournal;

/**
 * The control plane's use cases, one per kind of record, built together on one set of ports (for
 * the fixtures that seed a tenant; admin-api's resources each take the one they serve).
 */
public record Administration(
    TenantBootstrap tenants,
    TokenAdministration tokens,
    CatalogAdministration catalog,
    CustomerAdministration customers,
    LicenseAdministration licenses,
    InstanceAdministration instances) {

  /**
   * @param journal what each change writes with itself, in its transaction: its events (the outbox,
   *     whose stream publishes them) and its audit record
   * @param bootstrapSecret the deployment's secret that may create tenants; empty disables
   *     bootstrap
   * @param trialNotice how long before a trial ends the vendor hears {@code trial.ending_soon}
   */
  public Administration(
      AdminStores stores,
      ChangeJournal journal,
      Clock clock,
      Optional<String> bootstrapSecret,
      Duration trialNotice) {
    this(
        new TenantBootstrap(stores.tenants(), stores.tokens(), journal, clock, bootstrapSecret),
        new TokenAdministration(stores.tokens(), journal, clock),
        new CatalogAdministration(
            stores.definitions(),
            stores.entitlements(),
            stores.tiers(),
            stores.licenses(),
            journal,
            clock),
        new CustomerAdministration(stores.customers(), journal, clock),
        new LicenseAdministration(
            stores.definitions(),
            stores.customers(),
            stores.licenses(),
            journal,
            clock,
            trialNotice),
        new InstanceAdministration(
            stores.licenses(), stores.instances(), stores.tokens(), journal, clock));
  }
}
