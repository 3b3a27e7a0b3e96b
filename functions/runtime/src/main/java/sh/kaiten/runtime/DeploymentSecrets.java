package sh.kaiten.runtime;

import java.util.Optional;

/**
 * The deployment's secrets as a function holds them once read: from Secrets Manager on AWS, from
 * the configuration where there is none (kaiten-local, tests), as {@code kaiten.secrets.source}
 * says.
 *
 * @param bootstrapSecret creates tenants (admin-api); empty elsewhere
 * @param auditDigestKey signs and checks the audit trail's digests (scheduler, admin-api); empty
 *     elsewhere
 */
public record DeploymentSecrets(Optional<String> bootstrapSecret, Optional<String> auditDigestKey) {
  public DeploymentSecrets {
    bootstrapSecret = bootstrapSecret.filter(value -> !value.isBlank());
    auditDigestKey = auditDigestKey.filter(value -> !value.isBlank());
  }

  @Override
  public String toString() {
    return "DeploymentSecrets[bootstrapSecret="
        + (bootstrapSecret.isPresent() ? "***" : "none")
        + ", auditDigestKey="
        + (auditDigestKey.isPresent() ? "***" : "none")
        + "]";
  }
}
