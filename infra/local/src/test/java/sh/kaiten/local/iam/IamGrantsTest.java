package sh.kaiten.local.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import sh.kaiten.local.aws.CloudFormationTemplate;

/**
 * The IAM check: every function is granted in template.yaml exactly what its tests call. Each
 * function module's tests record the function's AWS calls as IAM actions (functions/testing's
 * CalledOperations) in {@code target/aws-operations.json} beside the function's artifact; this
 * module builds after them.
 */
class IamGrantsTest {
  private static final Path TEMPLATE_FILE = CloudFormationTemplate.locate(Path.of(""));

  /**
   * Grants no test of the function uses, kept on purpose: {@code "Function service:Action
   * Resource"} → why. Prefer a test that makes the call to an entry here.
   */
  static final Map<String, String> ALLOWED =
      Map.of(
          // None today: each function's secrets are read in its SecretsAtColdStartTest.
          );

  @Test
  void everyFunctionIsGrantedExactlyWhatItsTestsCall() throws IOException {
    CloudFormationTemplate template = CloudFormationTemplate.read(TEMPLATE_FILE);
    Map<String, Set<String>> grants = PolicyGrants.of(template);
    List<String> findings = new ArrayList<>();
    for (Map.Entry<String, Set<String>> function : grants.entrySet()) {
      Path record = recordOf(template, function.getKey());
      if (!Files.isRegularFile(record)) {
        findings.add(
            function.getKey()
                + " has no record of its calls at "
                + record
                + ": run its module's tests");
        continue;
      }
      Map<?, ?> recorded = new ObjectMapper().readValue(record.toFile(), Map.class);
      Set<String> called = new TreeSet<>();
      Object calls = ((Map<?, ?>) recorded.get("functions")).get(function.getKey());
      if (calls != null) {
        ((List<?>) calls).forEach(call -> called.add((String) call));
      }
      boolean complete = Boolean.TRUE.equals(recorded.get("complete"));
      if (!complete) {
        System.err.println(
            "IAM check: "
                + record
                + " is of a partial test run (-Dtest): unused grants of "
                + function.getKey()
                + " are not looked for");
      }
      findings.addAll(
          GrantComparison.findings(
              function.getKey(), function.getValue(), called, ALLOWED, complete));
    }
    assertThat(findings).as("template.yaml against the calls the functions' tests made").isEmpty();
  }

  @Test
  void theAllowListNamesOnlyGrantsTheTemplateMakes() {
    Map<String, Set<String>> grants = PolicyGrants.of(CloudFormationTemplate.read(TEMPLATE_FILE));
    ALLOWED
        .keySet()
        .forEach(
            entry -> {
              String[] parts = entry.split(" ", 2);
              assertThat(grants.get(parts[0])).as(entry).contains(parts[1]);
            });
  }

  /** The record sits in the target folder the function's CodeUri points into. */
  @SuppressWarnings("unchecked")
  private static Path recordOf(CloudFormationTemplate template, String function) {
    Map<String, Object> properties =
        (Map<String, Object>) template.resources().get(function).get("Properties");
    return TEMPLATE_FILE
        .getParent()
        .resolve((String) properties.get("CodeUri"))
        .getParent()
        .resolve("aws-operations.json");
  }
}
