package sh.kaiten.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** The function's settings; see META-INF/microprofile-config.properties for the environment they come from. */
@ConfigMapping(prefix = "kaiten")
public interface KaitenConfig {

  Aws aws();

  Tables table();

  Queues queue();

  /** The deployment's bootstrap secret: it alone may create tenants. */
  Optional<String> bootstrapSecret();

  Usage usage();

  Lifecycle lifecycle();

  Http http();

  interface Aws {
    String region();

    Optional<String> dynamodbEndpoint();

    Optional<String> sqsEndpoint();
  }

  interface Tables {
    String catalog();

    String tokens();

    String usage();

    String audit();
  }

  interface Queues {
    Optional<String> thresholds();

    Optional<String> events();
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
}
