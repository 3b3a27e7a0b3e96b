package sh.kaiten.adapters.secrets;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Secret values read from AWS Secrets Manager by id (name or ARN), each once per function instance:
 * cold start pays one {@code GetSecretValue} per secret, warm invocations none. So a secret never
 * sits in the function's environment, where {@code GetFunctionConfiguration} would show it.
 */
public final class SecretsManagerSecrets {
  private final SecretsManagerClient client;
  private final Map<String, String> values = new ConcurrentHashMap<>();

  public SecretsManagerSecrets(SecretsManagerClient client) {
    this.client = client;
  }

  /** The secret's string value; empty when no id is given. */
  public Optional<String> value(Optional<String> secretId) {
    return secretId
        .filter(id -> !id.isBlank())
        .map(
            id ->
                values.computeIfAbsent(
                    id, key -> client.getSecretValue(r -> r.secretId(key)).secretString()));
  }
}
