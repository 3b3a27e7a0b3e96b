package sh.kaiten.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** A plan as a person reads it in a terminal, like a Terraform plan. */
final class PlanText {
  private PlanText() {}

  static void print(JsonNode plan, PrintWriter out) {
    JsonNode changes = plan.path("changes");
    if (changes.isEmpty()) {
      out.println("No changes: the catalog is as the file says.");
      return;
    }
    int create = 0;
    int update = 0;
    int delete = 0;
    for (JsonNode change : changes) {
      String action = change.path("action").asText();
      String sign = action.equals("CREATE") ? "+" : action.equals("DELETE") ? "-" : "~";
      create += action.equals("CREATE") ? 1 : 0;
      update += action.equals("UPDATE") ? 1 : 0;
      delete += action.equals("DELETE") ? 1 : 0;
      out.println(
          "  " + sign + " " + change.path("kind").asText() + " " + change.path("slug").asText());
      for (JsonNode field : change.path("fields")) {
        out.println(
            "      "
                + field.path("field").asText()
                + ": "
                + shown(field.get("before"), action.equals("CREATE"))
                + " -> "
                + shown(field.get("after"), action.equals("DELETE")));
      }
    }
    JsonNode licenses = plan.path("licenses");
    if (!licenses.isEmpty()) {
      out.println();
      out.println("Answers that change (" + licenses.size() + " license(s)):");
      for (JsonNode license : licenses) {
        JsonNode instances = license.path("instances");
        out.println(
            "  license "
                + license.path("license_id").asText()
                + " of "
                + customer(license)
                + ", tier "
                + license.path("tier").asText()
                + ", instances: "
                + (instances.isEmpty() ? "none" : join(instances)));
        for (JsonNode answer : license.path("entitlements")) {
          out.println(
              "      "
                  + answer.path("entitlement").asText()
                  + ": "
                  + answer(answer.get("before"))
                  + " -> "
                  + answer(answer.get("after")));
        }
      }
    }
    JsonNode refusals = plan.path("refusals");
    if (!refusals.isEmpty()) {
      out.println();
      out.println("Refused (the plan cannot be applied):");
      for (JsonNode refusal : refusals) {
        String path = refusal.path("path").asText();
        out.println(
            "  "
                + (path.isEmpty() ? "" : path + ": ")
                + refusal.path("problem").asText()
                + (refusal.path("licenses").isEmpty()
                    ? ""
                    : " [licenses: " + join(refusal.path("licenses")) + "]"));
      }
    }
    out.println();
    out.println(
        "Plan "
            + plan.path("plan_hash").asText()
            + ": "
            + create
            + " to create, "
            + update
            + " to update, "
            + delete
            + " to delete.");
  }

  /** A field's value; absent on the side a record does not exist. */
  private static String shown(JsonNode value, boolean absent) {
    return absent || value == null ? "(none)" : value.toString();
  }

  /**
   * An answer in a few words: {@code 100000}, {@code enabled}, {@code not granted (NOT_IN_TIER)}.
   */
  private static String answer(JsonNode answer) {
    if (answer == null || answer.isNull()) {
      return "(no such entitlement)";
    }
    if (!answer.path("enabled").asBoolean()) {
      return "not granted (" + answer.path("reason").asText() + ")";
    }
    JsonNode value = answer.path("value");
    if (value.isBoolean()) {
      return "enabled";
    }
    return (value.isNull() ? "unlimited" : value.toString())
        + " ("
        + answer.path("source").asText().toLowerCase(java.util.Locale.ROOT)
        + ")";
  }

  /** "Acme Corp (cus_...)", or the id alone when the customer has no name to show. */
  private static String customer(JsonNode license) {
    String id = license.path("customer_id").asText();
    String name = license.path("customer_name").asText("");
    return name.isEmpty() ? "customer " + id : name + " (" + id + ")";
  }

  private static String join(JsonNode texts) {
    StringBuilder joined = new StringBuilder();
    for (JsonNode text : texts) {
      joined.append(joined.length() == 0 ? "" : ", ").append(text.asText());
    }
    return joined.toString();
  }
}
