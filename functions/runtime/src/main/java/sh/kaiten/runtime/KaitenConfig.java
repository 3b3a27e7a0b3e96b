package sh.kaiten.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The function's settings; see META-INF/microprofile-config.properties for the environment they
 * come from.
 */
@ConfigMapping(prefix = "kaiten")
public interface KaitenConfig {

  Aws aws();

  Tables table();

  Queues queue();

  /**
   * The deployment's bootstrap secret, when {@link Secrets#source} is ENVIRONMENT: it alone may
   * create tenants.
   */
  Optional<String> bootstrapSecret();

  Secrets secrets();

  Usage usage();

  Lifecycle lifecycle();

  Http http();

  Webhooks webhooks();

  Audit audit();

  Budget budget();

  Console console();

  Stripe stripe();

  interface Aws {
    String region();

    Optional<String> dynamodbEndpoint();

    Optional<String> sqsEndpoint();

    @WithName("secretsmanager-endpoint")
    Optional<String> secretsManagerEndpoint();
  }

  /**
   * Where the deployment's secrets come from: read at cold start, never kept in the environment on
   * AWS.
   */
  interface Secrets {
    Source source();

    /** The bootstrap secret's Secrets Manager id (admin-api). */
    @WithName("bootstrap-secret-id")
    Optional<String> bootstrapSecretId();

    /** The audit digest key's Secrets Manager id (admin-api, scheduler). */
    @WithName("audit-digest-key-id")
    Optional<String> auditDigestKeyId();

    enum Source {
      /** Secrets Manager, by the ids above: on AWS (template.yaml). */
      SECRETS_MANAGER,
      /**
       * The values themselves in the configuration: kaiten-local and the tests, which have no
       * Secrets Manager.
       */
      ENVIRONMENT
    }
  }

  interface Tables {
    String catalog();

    String tokens();

    String usage();

    String audit();

    /** Webhook endpoints and delivery logs (admin-api and webhook-dispatcher read it). */
    Optional<String> webhooks();

    /** Tenants' request budgets (the HTTP functions); without it no budget is enforced. */
    Optional<String> budgets();

    /**
     * The events of control-plane changes, written with them; its stream publishes them
     * (outbox-publisher).
     */
    Optional<String> outbox();

    /** Console sessions (the console only). */
    Optional<String> sessions();
  }

  interface Queues {
    Optional<String> thresholds();

    Optional<String> events();

    Optional<String> deliveries();

    /** What usage writes counted (outbox-publisher sends, billing-sync consumes). */
    Optional<String> billing();

    /** The billing queue's dead-letter queue (admin-api reads its depth). */
    @WithName("billing-dead-letters")
    Optional<String> billingDeadLetters();

    /** The deliveries queue's dead-letter queue (admin-api reads its depth). */
    @WithName("deliveries-dead-letters")
    Optional<String> deliveriesDeadLetters();
  }

  interface Usage {
    /** How old a usage report's timestamp may be and still count in its own period. */
    @WithName("late-window")
    Duration lateWindow();
  }

  interface Lifecycle {
    /** How long before a trial ends the vendor hears {@code trial.ending_soon}. */
    @WithName("trial-notice")
    Duration trialNotice();
  }

  interface Http {
    /** Larger request bodies are refused with 413 before they are parsed. */
    int maxBodyBytes();
  }

  interface Audit {
    /** How long audit records are kept (DynamoDB TTL); the hourly digests a day longer. */
    @WithName("retention-days")
    int retentionDays();

    /**
     * Signs the hourly digests (scheduler) and checks them (admin-api), when {@link Secrets#source}
     * is ENVIRONMENT; the other functions have none.
     */
    @WithName("digest-key")
    Optional<String> digestKey();
  }

  interface Budget {
    /** What a tenant without a budget of its own may make, in requests per second. */
    @WithName("requests-per-second")
    int requestsPerSecond();

    /** The windows a budget is counted in (the per-second budget times their seconds). */
    Duration window();
  }

  /** Stripe's API, as billing-sync calls it. */
  interface Stripe {
    /** {@code https://api.stripe.com}; kaiten-local and the tests point it at a stand-in. */
    @WithName("api-base")
    String apiBase();

    /** Connect and read timeout of one call. */
    Duration timeout();

    /** How long one delivery backs off on 429s and outages before its message goes back. */
    @WithName("retry-for")
    Duration retryFor();
  }

  interface Console {
    /** How long a console session lasts after sign-in; then its user signs in again. */
    @WithName("session-lifetime")
    Duration sessionLifetime();
  }

  interface Webhooks {
    /**
     * Lets webhook URLs be http and point at private, loopback and link-local addresses: for local
     * development only (kaiten-local sets it), never in a deployment reachable from outside.
     */
    @WithName("allow-private")
    boolean allowPrivate();

    /** The waits after failed attempts 1, 2, ...; one attempt more than there are delays. */
    @WithName("retry-delays")
    List<Duration> retryDelays();

    @WithName("connect-timeout")
    Duration connectTimeout();

    @WithName("read-timeout")
    Duration readTimeout();

    /** How long a rotated-out signing secret keeps signing beside the new one. */
    @WithName("secret-grace")
    Duration secretGrace();
  }
}
