package sh.kaiten.local.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One function's grants against what its tests called, both ways: a call no grant covers would be
 * refused on AWS; a grant no call uses is more than the function needs, unless the allow-list says
 * why it stays. Grants and calls are {@code "service:Action Resource"}; a grant's action and
 * resource may end in {@code *} (as {@code sqs:SendMessage*}, {@code Table/index/*}), the way IAM
 * matches them.
 */
final class GrantComparison {
  private GrantComparison() {}

  /**
   * @param allowed grants kept though no test uses them, {@code "Function service:Action Resource"}
   *     → why
   * @param complete false when the function's tests ran only in part: then an unused grant is not a
   *     finding
   * @return what is wrong, one line each, empty when grants and calls agree
   */
  static List<String> findings(
      String function,
      Set<String> granted,
      Set<String> called,
      Map<String, String> allowed,
      boolean complete) {
    List<String> findings = new ArrayList<>();
    for (String call : called) {
      if (granted.stream().noneMatch(grant -> covers(grant, call))) {
        findings.add(function + " calls " + call + " but template.yaml does not grant it");
      }
    }
    if (complete) {
      for (String grant : granted) {
        if (called.stream().noneMatch(call -> covers(grant, call))
            && !allowed.containsKey(function + " " + grant)) {
          findings.add(function + " is granted " + grant + " but none of its tests uses it");
        }
      }
    }
    return findings;
  }

  static boolean covers(String grant, String call) {
    String[] g = grant.split(" ", 2);
    String[] c = call.split(" ", 2);
    return matches(g[0], c[0]) && matches(g[1], c[1]);
  }

  /**
   * IAM's matching of actions and ARNs: {@code *} is any run of characters, everything else
   * literal.
   */
  private static boolean matches(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return value.matches(regex.toString());
  }
}
