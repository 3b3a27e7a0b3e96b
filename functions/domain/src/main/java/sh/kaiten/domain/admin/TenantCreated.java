package sh.kaiten.domain.admin;

import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.license.Tenant;

/** A new tenant and its first admin token; {@code secret} is shown this once and never stored. */
public record TenantCreated(Tenant tenant, ApiToken adminToken, String secret) {}
