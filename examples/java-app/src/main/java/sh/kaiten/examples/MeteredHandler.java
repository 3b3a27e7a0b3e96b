package sh.kaiten.examples;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import sh.kaiten.sdk.Check;
import sh.kaiten.sdk.KaitenClient;

/**
 * The SDK inside a vendor's own Lambda function: the client is built once per execution environment
 * (in the init phase) and kept across invocations; each invocation checks in process and flushes
 * what it reported before it returns, because Lambda freezes the environment as soon as the handler
 * returns and a background thread gets no time while it is frozen.
 */
public final class MeteredHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  // /tmp is the only writable place in Lambda and lives as long as the execution environment: a
  // cold
  // start with Kaiten unreachable still answers from the last snapshot this environment saw.
  private static final KaitenClient KAITEN =
      KaitenClient.builder()
          .baseUrl(System.getenv("KAITEN_URL"))
          .token(System.getenv("KAITEN_TOKEN"))
          .instance(System.getenv("KAITEN_INSTANCE"))
          .snapshotFile(Path.of("/tmp/kaiten/snapshot.json"))
          .spoolDirectory(Path.of("/tmp/kaiten/spool"))
          .build();

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    Check check = KAITEN.check("api-calls", 1);
    if (!check.allowed()) {
      return Map.of("statusCode", 429, "body", "quota used up: " + check.reason());
    }
    // ... the work the quota pays for ...
    KAITEN.report("api-calls", 1);
    // What could not be delivered stays in the spool and leaves with the next invocation's flush.
    KAITEN.flush(Duration.ofSeconds(2));
    return Map.of("statusCode", 200, "body", "remaining " + (long) (check.remaining() - 1));
  }
}
