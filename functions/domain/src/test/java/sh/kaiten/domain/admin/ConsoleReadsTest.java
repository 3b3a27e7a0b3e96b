package sh.kaiten.domain.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * The reads the console pages through: customers searched, licenses by customer, instances of a
 * license.
 */
class ConsoleReadsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T08:00:00Z");
  private static final String BOOTSTRAP = "bootstrap-secret-for-tests";

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final Administration admin =
      new Administration(
          catalog.adminStores(new InMemoryTokens()),
          new InMemoryJournal(),
          Clock.fixed(NOW, ZoneOffset.UTC),
          Optional.of(BOOTSTRAP),
          Duration.ofDays(3));
  private ApiToken token;

  @BeforeEach
  void tenant() {
    token = admin.tenants().bootstrapTenant(BOOTSTRAP, "Vendor").adminToken();
    admin
        .catalog()
        .createEntitlement(
            token, new Entitlement("sso", "SSO", EntitlementType.BOOLEAN, null, null, null));
    admin.catalog().createTier(token, new TierDraft("pro", "Pro", 1, Map.of()));
  }

  private Customer customer(String name) {
    return admin.customers().createCustomer(token, name, Map.of());
  }

  private License license(Customer customer) {
    return admin
        .licenses()
        .createLicense(token, new LicenseDraft(customer.id(), "pro", null, null, null, null, null));
  }

  @Test
  void aSearchFindsEveryMatchByNameOrIdIgnoringCasePageByPageWithoutSkippingAny() {
    for (String name :
        List.of(
            "Acme Corp", "Globex", "acme labs", "Initech", "ACME Cloud", "Umbrella", "Acme Two")) {
      customer(name);
    }
    List<String> found = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Page<Customer> page =
          admin.customers().searchCustomers(token, " acme ", new PageRequest(cursor, 2));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
      page.items().forEach(c -> found.add(c.name()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);

    assertThat(found).containsExactlyInAnyOrder("Acme Corp", "acme labs", "ACME Cloud", "Acme Two");
    assertThat(pages).isBetween(2, 3);
    Customer globex =
        admin.customers().customers(token, new PageRequest(null, 50)).items().stream()
            .filter(c -> c.name().equals("Globex"))
            .findFirst()
            .orElseThrow();
    assertThat(
            admin
                .customers()
                .searchCustomers(token, globex.id().toUpperCase(), new PageRequest(null, 10))
                .items())
        .containsExactly(globex);
    assertThat(admin.customers().searchCustomers(token, "", new PageRequest(null, 50)).items())
        .hasSize(7);
    assertThat(admin.customers().searchCustomers(token, "nobody", new PageRequest(null, 3)))
        .isEqualTo(new Page<Customer>(List.of(), null));
  }

  @Test
  void aSearchLongerThanAnyNameIsRefused() {
    assertThatThrownBy(
            () ->
                admin
                    .customers()
                    .searchCustomers(token, "x".repeat(101), new PageRequest(null, 10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("q");
  }

  @Test
  void licensesAreGroupedByTheCustomersAskedForAndInstancesByTheirLicense() {
    Customer acme = customer("Acme");
    Customer globex = customer("Globex");
    Customer none = customer("Nobody");
    License first = license(acme);
    License second = license(acme);
    License other = license(globex);
    admin.instances().createInstance(token, "acme-prod", first.id(), null, null);
    admin.instances().createInstance(token, "acme-staging", first.id(), null, null);
    admin.instances().createInstance(token, "globex-prod", other.id(), null, null);

    Map<String, List<License>> held =
        admin.licenses().licensesOf(token, List.of(acme.id(), none.id()));
    assertThat(held).containsOnlyKeys(acme.id(), none.id());
    assertThat(held.get(acme.id()))
        .extracting(License::id)
        .containsExactlyElementsOf(
            first.id().compareTo(second.id()) < 0
                ? List.of(first.id(), second.id())
                : List.of(second.id(), first.id()));
    assertThat(held.get(none.id())).isEmpty();

    assertThat(admin.instances().instancesOf(token, first.id()))
        .extracting(Instance::id)
        .containsExactly("acme-prod", "acme-staging");
    assertThat(admin.instances().instancesOf(token, second.id())).isEmpty();
  }

  @Test
  void anotherTenantSeesNoneOfItAndAnInstanceTokenNothing() {
    Customer acme = customer("Acme");
    License license = license(acme);
    admin.instances().createInstance(token, "acme-prod", license.id(), null, null);
    ApiToken other = admin.tenants().bootstrapTenant(BOOTSTRAP, "Other vendor").adminToken();

    assertThat(admin.customers().searchCustomers(other, "acme", new PageRequest(null, 10)).items())
        .isEmpty();
    assertThat(admin.licenses().licensesOf(other, List.of(acme.id())).get(acme.id())).isEmpty();
    assertThat(admin.instances().instancesOf(other, license.id())).isEmpty();
    ApiToken instance =
        new ApiToken(
            "tok_i",
            token.tenantId(),
            sh.kaiten.domain.access.TokenScope.INSTANCE,
            "acme-prod",
            license.id(),
            NOW);
    assertThatThrownBy(
            () -> admin.customers().searchCustomers(instance, "acme", new PageRequest(null, 10)))
        .isInstanceOf(ForbiddenException.class);
  }
}
