package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.admin.CatalogPlan.Action;
import sh.kaiten.domain.admin.CatalogPlan.Change;
import sh.kaiten.domain.admin.CatalogPlan.FieldChange;
import sh.kaiten.domain.admin.CatalogPlan.Refusal;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.webhooks.WebhookDraft;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;
import sh.kaiten.domain.webhooks.Webhooks;

/**
 * The {@code webhooks} section of a catalog file: the endpoints events are delivered to, each known
 * by its URL, with its description and the event types it subscribes to. No secret is ever in it:
 * an endpoint the file creates gets a generated one (docs/catalog.md says how it is read). A file
 * without the section leaves the endpoints alone. The section's shape is checked with the rest of
 * the file ({@link sh.kaiten.domain.catalog.CatalogDocument}); here, the rules of an endpoint.
 */
final class CatalogWebhooks {
  static final String SECTION = "webhooks";
  static final String KIND = "webhook";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private CatalogWebhooks() {}

  /**
   * The endpoints a file wants, or null when it has no {@code webhooks} section; a problem is named
   * by its JSON Pointer ({@code /webhooks/0/url}).
   */
  static List<WebhookDraft> read(JsonNode file, WebhookUrlPolicy urls) {
    if (!file.has(SECTION)) {
      return null;
    }
    List<WebhookDraft> wanted = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    JsonNode listed = file.get(SECTION);
    for (int i = 0; i < listed.size(); i++) {
      String at = "/" + SECTION + "/" + i;
      JsonNode node = listed.get(i);
      List<String> eventTypes = new ArrayList<>();
      node.path("event_types").forEach(type -> eventTypes.add(type.asText()));
      WebhookDraft draft;
      try {
        draft =
            Webhooks.checked(
                new WebhookDraft(
                    node.path("url").asText(null),
                    node.hasNonNull("description") ? node.get("description").asText() : null,
                    eventTypes));
        urls.requireAllowed(draft.url());
      } catch (InvalidInputException e) {
        String pointer = at + "/" + pointer(e.field());
        throw new InvalidInputException(pointer, pointer + ": " + e.getMessage());
      }
      if (!seen.add(draft.url())) {
        throw new InvalidInputException(
            at + "/url", at + "/url: webhook '" + draft.url() + "' is listed twice");
      }
      wanted.add(draft);
    }
    return wanted;
  }

  /** {@code event_types[2]} as a pointer's tail: {@code event_types/2}. */
  private static String pointer(String field) {
    String name = field == null ? "url" : field;
    return name.replace("[", "/").replace("]", "");
  }

  static ArrayNode write(List<WebhookDraft> endpoints) {
    ArrayNode section = JSON.arrayNode();
    endpoints.forEach(e -> section.add(write(e)));
    return section;
  }

  /** The section of stored endpoints: what they say in a file (their ids and secrets stay out). */
  static ArrayNode section(List<WebhookEndpoint> endpoints) {
    return write(endpoints.stream().map(CatalogWebhooks::settings).toList());
  }

  /** What a stored endpoint says in a file (its id and secrets stay out). */
  static WebhookDraft settings(WebhookEndpoint endpoint) {
    return new WebhookDraft(endpoint.url(), endpoint.description(), endpoint.eventTypes());
  }

  /**
   * An endpoint as a file writes it: its event types in name order, so a file that lists them in
   * another order plans no change.
   */
  static ObjectNode write(WebhookDraft endpoint) {
    ObjectNode node = JSON.objectNode();
    node.put("url", endpoint.url());
    if (endpoint.description() != null) {
      node.put("description", endpoint.description());
    }
    ArrayNode types = node.putArray("event_types");
    endpoint.eventTypes().stream().sorted().forEach(types::add);
    return node;
  }

  /**
   * The changes that make the stored endpoints ({@code had}) the file's ({@code wanted}): an
   * endpoint is known by its URL, so a new URL is a new endpoint (with a new secret) and a URL the
   * file no longer lists is deleted. A URL that more than one stored endpoint delivers to cannot be
   * told apart, and is refused.
   */
  static void plan(
      JsonNode file,
      List<WebhookEndpoint> had,
      List<WebhookDraft> wanted,
      List<Change> planned,
      List<Refusal> refusals) {
    Map<String, List<WebhookEndpoint>> byUrl = byUrl(had);
    for (int i = 0; i < wanted.size(); i++) {
      WebhookDraft want = wanted.get(i);
      List<WebhookEndpoint> same = byUrl.getOrDefault(want.url(), List.of());
      if (same.isEmpty()) {
        planned.add(CatalogPlans.created(KIND, want.url(), fields(want)));
      } else if (same.size() > 1) {
        refusals.add(
            new Refusal(
                "/" + SECTION + "/" + i + "/url",
                "webhook '"
                    + want.url()
                    + "': "
                    + same.size()
                    + " endpoints deliver to it ("
                    + same.stream().map(WebhookEndpoint::id).collect(Collectors.joining(", "))
                    + "); delete all but one through the API first",
                List.of()));
      } else {
        List<FieldChange> fields =
            CatalogPlans.fieldChanges(fields(settings(same.get(0))), fields(want));
        if (!fields.isEmpty()) {
          planned.add(new Change(Action.UPDATE, KIND, want.url(), fields));
        }
      }
    }
    Set<String> kept = wanted.stream().map(WebhookDraft::url).collect(Collectors.toSet());
    for (WebhookEndpoint endpoint : had) {
      if (!kept.contains(endpoint.url())) {
        planned.add(CatalogPlans.deleted(KIND, endpoint.url(), fields(settings(endpoint))));
      }
    }
  }

  /**
   * The writes of a plan's webhook changes, in its order: a created endpoint gets a new id and a
   * new signing secret, an updated one keeps its id and secrets.
   */
  static List<CatalogChange> writes(
      List<Change> changes, List<WebhookEndpoint> had, List<WebhookDraft> wanted, Instant now) {
    Map<String, Deque<WebhookEndpoint>> stored = new LinkedHashMap<>();
    byUrl(had).forEach((url, endpoints) -> stored.put(url, new ArrayDeque<>(endpoints)));
    Map<String, WebhookDraft> byWantedUrl = new LinkedHashMap<>();
    wanted.forEach(want -> byWantedUrl.put(want.url(), want));
    List<CatalogChange> writes = new ArrayList<>();
    for (Change change : changes) {
      if (!change.kind().equals(KIND)) {
        continue;
      }
      WebhookDraft want = byWantedUrl.get(change.slug());
      switch (change.action()) {
        case CREATE ->
            writes.add(
                new CatalogChange.WebhookCreated(
                    new WebhookEndpoint(
                        Ids.newId(WebhookEndpoint.ID_PREFIX, now),
                        want.url(),
                        want.description(),
                        want.eventTypes(),
                        WebhookSecrets.newSecret(),
                        null,
                        null,
                        now,
                        now)));
        case UPDATE -> {
          WebhookEndpoint endpoint = stored.get(change.slug()).peek();
          writes.add(
              new CatalogChange.WebhookUpdated(
                  new WebhookEndpoint(
                      endpoint.id(),
                      want.url(),
                      want.description(),
                      want.eventTypes(),
                      endpoint.secret(),
                      endpoint.previousSecret(),
                      endpoint.previousSecretExpiresAt(),
                      endpoint.createdAt(),
                      // Strictly later: the stored version changes even within one clock tick.
                      now.isAfter(endpoint.updatedAt()) ? now : endpoint.updatedAt().plusMillis(1)),
                  endpoint.updatedAt()));
        }
        case DELETE ->
            writes.add(new CatalogChange.WebhookDeleted(stored.get(change.slug()).poll().id()));
      }
    }
    return writes;
  }

  private static Map<String, List<WebhookEndpoint>> byUrl(List<WebhookEndpoint> endpoints) {
    Map<String, List<WebhookEndpoint>> byUrl = new LinkedHashMap<>();
    endpoints.forEach(e -> byUrl.computeIfAbsent(e.url(), url -> new ArrayList<>()).add(e));
    return byUrl;
  }

  /** An endpoint's fields as a plan shows them: its URL is its name, not one of its fields. */
  private static ObjectNode fields(WebhookDraft endpoint) {
    ObjectNode node = write(endpoint);
    node.remove("url");
    return node;
  }
}
