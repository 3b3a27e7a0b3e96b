package sh.kaiten.domain.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryCounters;
import sh.kaiten.domain.memory.InMemoryInstanceReads;
import sh.kaiten.domain.outbox.ChangeRecords;

class InstanceLookupTest {
  private static final String TENANT = "ten_1";
  private static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InstanceLookup lookup =
      catalog.lookup(new InMemoryInstanceReads(catalog, new InMemoryCounters()));

  @BeforeEach
  void instance() {
    catalog.createTier(TENANT, new Tier("pro", "Pro", 1, Map.of(), CREATED), ChangeRecords.NONE);
    catalog.createCustomer(
        TENANT, new Customer("cus_1", "Acme", Map.of(), CREATED), ChangeRecords.NONE);
    for (String license : List.of("lic_1", "lic_2")) {
      catalog.createLicense(
          TENANT,
          new License(
              license,
              "cus_1",
              "pro",
              LicenseStatus.ACTIVE,
              CREATED,
              null,
              null,
              Map.of(),
              CREATED,
              CREATED),
          List.of(),
          ChangeRecords.NONE);
    }
    catalog.createInstance(
        TENANT, new Instance("acme-prod", "lic_2", null, null, CREATED), ChangeRecords.NONE);
  }

  private static ApiToken instanceToken(String licenseHint, Instant issued) {
    return new ApiToken("tok_1", TENANT, TokenScope.INSTANCE, "acme-prod", licenseHint, issued);
  }

  @Test
  void anInstanceTokenReadsTheLicenseItNames() {
    InstanceContext context =
        lookup.load(instanceToken("lic_2", CREATED.plusSeconds(1)), "acme-prod");

    assertThat(context.license().id()).isEqualTo("lic_2");
    assertThat(context.tier().slug()).isEqualTo("pro");
  }

  @Test
  void aLicenseHintThatIsWrongIsNotBelieved() {
    InstanceContext context =
        lookup.load(instanceToken("lic_1", CREATED.plusSeconds(1)), "acme-prod");

    assertThat(context.license().id()).isEqualTo("lic_2");
  }

  @Test
  void anAdminTokenReadsTheInstanceThenItsLicense() {
    ApiToken admin =
        new ApiToken("tok_a", TENANT, TokenScope.ADMIN, null, null, CREATED.minusSeconds(60));

    assertThat(lookup.load(admin, "acme-prod").license().id()).isEqualTo("lic_2");
  }

  @Test
  void aTokenIssuedBeforeTheInstanceExistedBelongedToAnEarlierInstanceOfThatId() {
    assertThatThrownBy(
            () -> lookup.load(instanceToken("lic_1", CREATED.minusSeconds(1)), "acme-prod"))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessage("the token belongs to an instance that was deleted");
  }

  @Test
  void anInstanceTokenReachesOnlyItsInstance() {
    catalog.createInstance(
        TENANT, new Instance("acme-dev", "lic_2", null, null, CREATED), ChangeRecords.NONE);

    assertThatThrownBy(
            () -> lookup.load(instanceToken("lic_2", CREATED.plusSeconds(1)), "acme-dev"))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(
            () ->
                lookup.load(
                    new ApiToken("tok_2", TENANT, TokenScope.INSTANCE, "gone", "lic_2", CREATED),
                    "gone"))
        .isInstanceOf(NotFoundException.class);
  }
}
