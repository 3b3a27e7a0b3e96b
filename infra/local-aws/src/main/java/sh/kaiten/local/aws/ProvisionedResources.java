package sh.kaiten.local.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the local provisioner created, so that {@code !Ref}, {@code !GetAtt} and {@code !Sub} in the
 * template resolve to local names, URLs and ARNs.
 */
public final class ProvisionedResources {
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]+)}");
  private static final Pattern SECRET_REFERENCE =
      Pattern.compile("\\{\\{resolve:secretsmanager:(.+?):SecretString}}");

  private final CloudFormationTemplate template;
  private final String region;
  private final String accountId;
  private final Map<String, String> refs = new LinkedHashMap<>();
  private final Map<String, String> attributes = new LinkedHashMap<>();
  private final Map<String, String> secretValues = new LinkedHashMap<>();

  ProvisionedResources(CloudFormationTemplate template, String region, String accountId) {
    this.template = template;
    this.region = region;
    this.accountId = accountId;
  }

  void put(String logicalId, String ref, Map<String, String> attrs) {
    refs.put(logicalId, ref);
    attrs.forEach((name, value) -> attributes.put(logicalId + "." + name, value));
  }

  void putSecret(String reference, String value) {
    secretValues.put(reference, value);
  }

  /** The value of a Secrets Manager secret the template declares, as made up locally. */
  public String secretValue(String logicalId) {
    String value = secretValues.get(ref(logicalId));
    if (value == null) {
      throw new IllegalArgumentException("no secret " + logicalId);
    }
    return value;
  }

  /** What {@code !Ref logicalId} gives: a table's name, a queue's URL. */
  public String ref(String logicalId) {
    String value = refs.get(logicalId);
    if (value == null) {
      throw new IllegalArgumentException("nothing provisioned for " + logicalId);
    }
    return value;
  }

  public String attribute(String logicalId, String name) {
    String value = attributes.get(logicalId + "." + name);
    if (value == null) {
      throw new IllegalArgumentException("no attribute " + name + " of " + logicalId);
    }
    return value;
  }

  /**
   * The environment the template gives a function (Globals first, then its own variables), with
   * intrinsic functions resolved against what was provisioned here.
   */
  @SuppressWarnings("unchecked")
  public Map<String, String> environmentOf(String functionLogicalId) {
    Map<String, Object> function = template.resources().get(functionLogicalId);
    if (function == null) {
      throw new IllegalArgumentException("no resource " + functionLogicalId + " in the template");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    for (Map<String, Object> properties :
        List.of(template.globals("Function"), CloudFormationTemplate.properties(function))) {
      Map<String, Object> env =
          (Map<String, Object>) properties.getOrDefault("Environment", Map.of());
      Map<String, Object> variables = (Map<String, Object>) env.getOrDefault("Variables", Map.of());
      variables.forEach(
          (name, value) -> {
            if (!leftOut(value)) {
              environment.put(name, resolve(value));
            }
          });
    }
    return environment;
  }

  /**
   * The environment a function gets where there is no Secrets Manager (kaiten-local, tests): the
   * template's, except that each variable {@code X_ID} naming one of the template's secrets becomes
   * {@code X} holding the secret's value, and {@code KAITEN_SECRETS_SOURCE} says {@code
   * environment}.
   */
  public Map<String, String> localEnvironmentOf(String functionLogicalId) {
    Map<String, String> environment = new LinkedHashMap<>();
    environmentOf(functionLogicalId)
        .forEach(
            (name, value) -> {
              if (name.endsWith("_ID") && secretValues.containsKey(value)) {
                environment.put(
                    name.substring(0, name.length() - "_ID".length()), secretValues.get(value));
              } else {
                environment.put(name, value);
              }
            });
    environment.put("KAITEN_SECRETS_SOURCE", "environment");
    return environment;
  }

  /** Resolves a template value: a literal, Ref, Fn::GetAtt or Fn::Sub. */
  @SuppressWarnings("unchecked")
  public String resolve(Object value) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    if (value instanceof Map<?, ?> map && map.size() == 1) {
      Map.Entry<String, Object> intrinsic =
          ((Map<String, Object>) map).entrySet().iterator().next();
      switch (intrinsic.getKey()) {
        case "Ref" -> {
          return pseudo((String) intrinsic.getValue());
        }
        case "Fn::GetAtt" -> {
          List<String> parts = (List<String>) intrinsic.getValue();
          return attribute(parts.get(0), parts.get(1));
        }
        case "Fn::Sub" -> {
          return resolveSecrets(substitute((String) intrinsic.getValue()));
        }
        case "Fn::If" -> {
          List<Object> branches = (List<Object>) intrinsic.getValue();
          return resolve(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2));
        }
        default ->
            throw new IllegalArgumentException("kaiten-local cannot resolve " + intrinsic.getKey());
      }
    }
    throw new IllegalArgumentException("kaiten-local cannot resolve " + value);
  }

  private String substitute(String text) {
    Matcher matcher = SUB_VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      int dot = name.indexOf('.');
      String value =
          dot > 0 && !name.startsWith("AWS::")
              ? attribute(name.substring(0, dot), name.substring(dot + 1))
              : pseudo(name);
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * Whether CloudFormation leaves the value out: {@code AWS::NoValue}, directly or as the branch an
   * {@code Fn::If} takes.
   */
  @SuppressWarnings("unchecked")
  private boolean leftOut(Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1) {
      if ("AWS::NoValue".equals(map.get("Ref"))) {
        return true;
      }
      if (map.get("Fn::If") instanceof List<?> branches) {
        return leftOut(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2));
      }
    }
    return false;
  }

  /**
   * Evaluates a condition of the template's Conditions section (Fn::Equals, Fn::Not, Fn::And,
   * Fn::Or).
   */
  @SuppressWarnings("unchecked")
  public boolean condition(String name) {
    Object definition = template.section("Conditions").get(name);
    if (definition == null) {
      throw new IllegalArgumentException("no condition " + name + " in the template");
    }
    return evaluate(definition);
  }

  @SuppressWarnings("unchecked")
  private boolean evaluate(Object definition) {
    Map.Entry<String, Object> function =
        ((Map<String, Object>) definition).entrySet().iterator().next();
    List<Object> arguments =
        function.getValue() instanceof List<?> list
            ? (List<Object>) list
            : List.of(function.getValue());
    return switch (function.getKey()) {
      case "Fn::Equals" -> resolve(arguments.get(0)).equals(resolve(arguments.get(1)));
      case "Fn::Not" -> !evaluate(arguments.get(0));
      case "Fn::And" -> arguments.stream().allMatch(this::evaluate);
      case "Fn::Or" -> arguments.stream().anyMatch(this::evaluate);
      case "Condition" -> condition((String) function.getValue());
      default ->
          throw new IllegalArgumentException("kaiten-local cannot evaluate " + function.getKey());
    };
  }

  /**
   * Replaces {@code {{resolve:secretsmanager:<secret>:SecretString}}} with the local secret's
   * value.
   */
  private String resolveSecrets(String text) {
    Matcher matcher = SECRET_REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = secretValues.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no local secret " + matcher.group(1));
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private String pseudo(String name) {
    return switch (name) {
      case "AWS::Region" -> region;
      case "AWS::AccountId" -> accountId;
      case "AWS::Partition" -> "aws";
      case "AWS::StackName" -> "kaiten-local";
      case "AWS::URLSuffix" -> "amazonaws.com";
      default -> ref(name);
    };
  }
}
