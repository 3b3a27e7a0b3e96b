package sh.kaiten.domain.admin;

import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.license.Instance;

/** A new instance and its instance token; {@code secret} is shown this once and never stored. */
public record InstanceCreated(Instance instance, ApiToken token, String secret) {}
