package sh.kaiten.domain.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.catalog.CatalogContract;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The contract of {@link TenantStore}: a tenant comes with its first admin token and is listed for
 * the jobs.
 */
public abstract class TenantStoreContract extends CatalogContract {

  protected TenantStoreContract(Fixture fixture) {
    super(fixture);
  }

  private ApiToken admin() {
    return new ApiToken(
        "tok_" + UUID.randomUUID().toString().replace("-", ""),
        tenantId,
        TokenScope.ADMIN,
        null,
        null,
        NOW);
  }

  @Test
  void aTenantIsListedWithItsAdminToken() {
    Tenant tenant = new Tenant(tenantId, "Acme Vendor", NOW);
    ApiToken admin = admin();
    stores
        .tenants()
        .createTenant(
            tenant, stores.tokens().issuing(Secrets.hash(admin.id()), admin), records("created"));

    assertThat(Page.all(stores.tenants()::tenants)).contains(tenant);
    assertThat(stores.tokens().findByHash(Secrets.hash(admin.id()))).contains(admin);
    assertThat(recorded()).hasSize(1);
  }

  @Test
  void tenantsAreListedAPageAtATimeEachOnceInIdOrder() {
    List<Tenant> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Tenant tenant = new Tenant(tenantId + "-" + i, "Vendor " + i, NOW);
      ApiToken admin = admin();
      stores
          .tenants()
          .createTenant(
              tenant, stores.tokens().issuing(Secrets.hash(admin.id()), admin), records("t" + i));
      made.add(tenant);
    }

    List<Tenant> listed = new ArrayList<>();
    int pages = 0;
    String cursor = null;
    do {
      Page<Tenant> page = stores.tenants().tenants(new PageRequest(cursor, 2));
      assertThat(page.items().size()).isLessThanOrEqualTo(2);
      listed.addAll(page.items());
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);

    assertThat(listed).filteredOn(t -> t.id().startsWith(tenantId)).containsExactlyElementsOf(made);
    assertThat(listed).doesNotHaveDuplicates();
    assertThat(pages).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aTenantIdIsTakenOnce() {
    Tenant tenant = new Tenant(tenantId, "Acme Vendor", NOW);
    ApiToken first = admin();
    stores
        .tenants()
        .createTenant(
            tenant, stores.tokens().issuing(Secrets.hash(first.id()), first), records("first"));
    ApiToken second = admin();

    assertThatThrownBy(
            () ->
                stores
                    .tenants()
                    .createTenant(
                        new Tenant(tenantId, "Other", NOW),
                        stores.tokens().issuing(Secrets.hash(second.id()), second),
                        records("second")))
        .isInstanceOf(ConflictException.class);
    assertThat(Page.all(stores.tenants()::tenants))
        .filteredOn(t -> t.id().equals(tenantId))
        .containsExactly(tenant);
    assertThat(stores.tokens().findByHash(Secrets.hash(second.id()))).isEmpty();
    assertThat(recorded()).hasSize(1);
  }
}
