package sh.kaiten.domain.catalog;

import org.junit.jupiter.api.Nested;
import sh.kaiten.domain.license.CustomerStoreContract;
import sh.kaiten.domain.license.InstanceStoreContract;
import sh.kaiten.domain.license.LicenseStoreContract;
import sh.kaiten.domain.license.TenantStoreContract;

/**
 * Every catalog port's suite, on one implementation of them all: a subclass says what it runs on
 * (the in-memory fake, the DynamoDB adapters) and inherits the suites as nested classes.
 */
public abstract class CatalogPortsContract implements CatalogContract.Fixture {

  @Nested
  class OfTenants extends TenantStoreContract {
    OfTenants() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfDefinitions extends DefinitionsContract {
    OfDefinitions() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfEntitlements extends EntitlementStoreContract {
    OfEntitlements() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfTiers extends TierStoreContract {
    OfTiers() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfCatalogChanges extends CatalogChangeStoreContract {
    OfCatalogChanges() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfCustomers extends CustomerStoreContract {
    OfCustomers() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfLicenses extends LicenseStoreContract {
    OfLicenses() {
      super(CatalogPortsContract.this);
    }
  }

  @Nested
  class OfInstances extends InstanceStoreContract {
    OfInstances() {
      super(CatalogPortsContract.this);
    }
  }
}
