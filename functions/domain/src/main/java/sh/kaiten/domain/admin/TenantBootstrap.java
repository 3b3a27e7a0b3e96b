package sh.kaiten.domain.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.license.Tenant;
import sh.kaiten.domain.license.TenantStore;
import sh.kaiten.domain.outbox.ChangeJournal;

/**
 * Use case: the first tenant of a deployment, and each tenant after it, created with the bootstrap
 * secret.
 */
public final class TenantBootstrap {
  private final TenantStore tenants;
  private final TokenStore tokens;
  private final Changes changes;
  private final Optional<String> bootstrapSecret;

  /**
   * @param journal what each change writes with itself, in its transaction (its audit record)
   * @param bootstrapSecret the deployment's secret that may create tenants; empty disables
   *     bootstrap
   */
  public TenantBootstrap(
      TenantStore tenants,
      TokenStore tokens,
      ChangeJournal journal,
      Clock clock,
      Optional<String> bootstrapSecret) {
    this.tenants = tenants;
    this.tokens = tokens;
    this.changes = new Changes(journal, clock);
    this.bootstrapSecret = bootstrapSecret.filter(secret -> !secret.isBlank());
  }

  /**
   * Creates a tenant and its first admin token, for a caller holding the deployment's bootstrap
   * secret.
   */
  public TenantCreated bootstrapTenant(String presentedSecret, String name) {
    String expected =
        bootstrapSecret.orElseThrow(
            () ->
                new ForbiddenException(
                    "bootstrap is disabled: the deployment has no bootstrap secret"));
    if (presentedSecret == null || !Secrets.sameSecret(presentedSecret, expected)) {
      throw new UnauthenticatedException("the bootstrap secret is missing or wrong");
    }
    Text.name("name", name);
    Instant now = changes.now();
    Tenant tenant = new Tenant(Ids.newId("ten", now), name, now);
    // The tenant, its first admin token and its audit record: one transaction.
    IssuedToken admin = changes.newToken(tenant.id(), TokenScope.ADMIN, null, null);
    tenants.createTenant(
        tenant,
        tokens.issuing(Secrets.hash(admin.secret()), admin.token()),
        changes.records(tenant.id(), "tenant.created", tenant.id(), List.of()));
    return new TenantCreated(tenant, admin.token(), admin.secret());
  }
}
