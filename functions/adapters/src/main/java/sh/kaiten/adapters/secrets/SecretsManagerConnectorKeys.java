package sh.kaiten.adapters.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.billing.ConnectorKeys;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Tenants' Stripe keys in Secrets Manager, one secret per tenant named {@code
 * kaiten/connectors/{tenant}/stripe} (the template grants that prefix only). A key read is kept for
 * {@link #KEPT_FOR}, so billing-sync asks Secrets Manager about once every few minutes per tenant
 * and a replaced key is in use within that.
 */
public final class SecretsManagerConnectorKeys implements ConnectorKeys {
  /** How long billing-sync keeps a key it read. */
  public static final Duration KEPT_FOR = Duration.ofMinutes(5);

  /** The prefix of every connector secret's name. */
  public static final String PREFIX = "kaiten/connectors/";

  private record Read(Optional<String> key, Instant at) {}

  private final SecretsManagerClient client;
  private final Clock clock;
  private final Map<String, Read> read = new ConcurrentHashMap<>();

  public SecretsManagerConnectorKeys(SecretsManagerClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public static String secretName(String tenantId) {
    return PREFIX + tenantId + "/stripe";
  }

  @Override
  public Optional<String> stripeKey(String tenantId) {
    Instant now = clock.instant();
    Read known = read.get(tenantId);
    if (known != null && now.isBefore(known.at().plus(KEPT_FOR))) {
      return known.key();
    }
    Optional<String> key;
    try {
      key =
          Optional.ofNullable(
              client.getSecretValue(r -> r.secretId(secretName(tenantId))).secretString());
    } catch (ResourceNotFoundException none) {
      key = Optional.empty();
    }
    read.put(tenantId, new Read(key, now));
    return key;
  }

  @Override
  public void putStripeKey(String tenantId, String key) {
    String name = secretName(tenantId);
    try {
      client.putSecretValue(r -> r.secretId(name).secretString(key));
    } catch (ResourceNotFoundException none) {
      client.createSecret(
          r ->
              r.name(name)
                  .secretString(key)
                  .description("Stripe restricted key of tenant " + tenantId + " (billing-sync)"));
    }
    read.remove(tenantId);
  }

  @Override
  public void deleteStripeKey(String tenantId) {
    try {
      client.deleteSecret(r -> r.secretId(secretName(tenantId)).forceDeleteWithoutRecovery(true));
    } catch (ResourceNotFoundException none) {
      // nothing to delete
    }
    read.remove(tenantId);
  }
}
