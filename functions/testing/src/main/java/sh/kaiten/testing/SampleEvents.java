package sh.kaiten.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import sh.kaiten.local.aws.CloudFormationTemplate;

/**
 * The sample events of {@code infra/events/}, read as they are, with the placeholder tokens put in.
 */
public final class SampleEvents {
  public static final String INSTANCE_TOKEN = "ksh_REPLACE_WITH_INSTANCE_TOKEN";
  public static final String ADMIN_TOKEN = "ksh_REPLACE_WITH_ADMIN_TOKEN";
  public static final String BOOTSTRAP_SECRET = "REPLACE_WITH_BOOTSTRAP_SECRET";

  private SampleEvents() {}

  /**
   * @param name a path under infra/events, e.g. {@code usage-api/report-usage.json}
   */
  public static String read(String name, Map<String, String> tokens) {
    Path file =
        CloudFormationTemplate.locate(Path.of(""))
            .getParent()
            .resolve("infra/events")
            .resolve(name);
    try {
      String event = Files.readString(file);
      for (Map.Entry<String, String> token : tokens.entrySet()) {
        event = event.replace(token.getKey(), token.getValue());
      }
      return event;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sample event " + file, e);
    }
  }
}
