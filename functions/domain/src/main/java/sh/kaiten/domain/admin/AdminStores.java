package sh.kaiten.domain.admin;

import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.catalog.Definitions;
import sh.kaiten.domain.catalog.EntitlementStore;
import sh.kaiten.domain.catalog.TierStore;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.license.TenantStore;

/** The ports the control plane reads and changes a tenant's records through. */
public record AdminStores(
    TenantStore tenants,
    Definitions definitions,
    EntitlementStore entitlements,
    TierStore tiers,
    CustomerStore customers,
    LicenseStore licenses,
    InstanceStore instances,
    TokenStore tokens) {}
