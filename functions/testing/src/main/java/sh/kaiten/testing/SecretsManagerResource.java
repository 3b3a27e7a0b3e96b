package sh.kaiten.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import sh.kaiten.local.aws.LocalSecretsManager;
import sh.kaiten.local.aws.ProvisionedResources;

/**
 * Gives the function under test its secrets as template.yaml does on AWS, by their ids, to read
 * from Secrets Manager at cold start: here a stand-in on loopback holding the template's secrets as
 * provisioned locally. A test profile's resource, beside {@link LocalAwsResource}: its settings are
 * the configuration's own keys, which win over the environment LocalAwsResource gives.
 */
public class SecretsManagerResource implements QuarkusTestResourceLifecycleManager {
  private static LocalSecretsManager standIn;

  /** The stand-in, started when first asked for; one serves every test class of the JVM. */
  public static synchronized LocalSecretsManager secretsManager() {
    if (standIn == null) {
      standIn = LocalSecretsManager.start(LocalAwsResource.localAws().resources());
      Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "secrets-manager-stop"));
    }
    return standIn;
  }

  private String function;

  /**
   * Init arg {@code function}: the function's logical id, whose secrets' ids the template gives.
   */
  @Override
  public void init(Map<String, String> initArgs) {
    function = initArgs.get("function");
    if (function == null) {
      throw new IllegalArgumentException(
          "SecretsManagerResource needs the init arg 'function' (the template's logical id)");
    }
  }

  @Override
  public Map<String, String> start() {
    ProvisionedResources resources = LocalAwsResource.localAws().resources();
    Map<String, String> config = new HashMap<>();
    config.put("kaiten.secrets.source", "secrets-manager");
    config.put("kaiten.aws.secretsmanager-endpoint", secretsManager().endpoint().toString());
    Map<String, String> environment = resources.environmentOf(function);
    config.put(
        "kaiten.secrets.bootstrap-secret-id",
        environment.getOrDefault("KAITEN_BOOTSTRAP_SECRET_ID", ""));
    config.put(
        "kaiten.secrets.audit-digest-key-id",
        environment.getOrDefault("KAITEN_AUDIT_DIGEST_KEY_ID", ""));
    return config;
  }

  @Override
  public void stop() {
    // Kept running for the next test class of this JVM; the shutdown hook stops it.
  }
}
