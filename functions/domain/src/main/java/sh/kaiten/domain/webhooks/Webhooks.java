package sh.kaiten.domain.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Use cases of webhook endpoints (admin token): CRUD, secret rotation, test event, delivery log,
 * redelivery.
 */
public final class Webhooks {
  static final int MAX_URL_LENGTH = 2048;
  static final int MAX_DESCRIPTION_LENGTH = 512;

  private final WebhookStore store;
  private final WebhookUrlPolicy urls;
  private final ChangeJournal journal;
  private final Clock clock;
  private final Duration secretGrace;

  /**
   * @param journal what each change writes with itself, in its transaction: its audit record
   * @param secretGrace how long a rotated-out secret keeps signing beside the new one
   */
  public Webhooks(
      WebhookStore store,
      WebhookUrlPolicy urls,
      ChangeJournal journal,
      Clock clock,
      Duration secretGrace) {
    this.store = store;
    this.urls = urls;
    this.journal = journal;
    this.clock = clock;
    this.secretGrace = secretGrace;
  }

  public CreatedWebhook create(ApiToken caller, WebhookDraft draft) {
    caller.requireAdmin();
    WebhookDraft checked = checked(draft);
    String url = checked.url();
    String description = checked.description();
    List<String> eventTypes = checked.eventTypes();
    urls.requireAllowed(url);
    Instant now = clock.instant();
    String secret = WebhookSecrets.newSecret();
    WebhookEndpoint endpoint =
        new WebhookEndpoint(
            Ids.newId(WebhookEndpoint.ID_PREFIX, now),
            url,
            description,
            eventTypes,
            secret,
            null,
            null,
            now,
            now);
    store.createEndpoint(
        caller.tenantId(), endpoint, records(caller, "webhook.created", endpoint.id()));
    return new CreatedWebhook(endpoint, secret);
  }

  public Page<WebhookEndpoint> endpoints(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return store.endpoints(caller.tenantId(), page);
  }

  public WebhookEndpoint endpoint(ApiToken caller, String id) {
    caller.requireAdmin();
    return find(caller.tenantId(), id);
  }

  public WebhookEndpoint update(ApiToken caller, String id, WebhookPatch patch) {
    caller.requireAdmin();
    WebhookEndpoint current = find(caller.tenantId(), id);
    String url = patch.url() == null ? current.url() : checkedUrl(patch.url());
    String description =
        patch.descriptionGiven() ? description(patch.description()) : current.description();
    List<String> eventTypes =
        patch.eventTypes() == null ? current.eventTypes() : eventTypes(patch.eventTypes());
    if (patch.url() != null) {
      urls.requireAllowed(url);
    }
    WebhookEndpoint updated =
        current.withSettings(url, description, eventTypes, later(current.updatedAt()));
    store.updateEndpoint(
        caller.tenantId(), updated, current.updatedAt(), records(caller, "webhook.updated", id));
    return updated;
  }

  public void delete(ApiToken caller, String id) {
    caller.requireAdmin();
    if (!store.deleteEndpoint(caller.tenantId(), id, records(caller, "webhook.deleted", id))) {
      throw new NotFoundException("webhook", id);
    }
  }

  /** A new secret, shown once; the old one keeps signing beside it for the grace period. */
  public CreatedWebhook rotateSecret(ApiToken caller, String id) {
    caller.requireAdmin();
    WebhookEndpoint current = find(caller.tenantId(), id);
    Instant now = later(current.updatedAt());
    String secret = WebhookSecrets.newSecret();
    WebhookEndpoint rotated = current.withSecret(secret, now.plus(secretGrace), now);
    store.updateEndpoint(
        caller.tenantId(),
        rotated,
        current.updatedAt(),
        records(caller, "webhook.secret_rotated", id));
    return new CreatedWebhook(rotated, secret);
  }

  /**
   * Sends a {@code webhook.test} event to this endpoint only, whatever it subscribes to. The
   * delivery, its dispatch and its audit record are stored together: once answered, it goes out,
   * queue outage or not.
   */
  public Delivery test(ApiToken caller, String id) {
    caller.requireAdmin();
    WebhookEndpoint endpoint = find(caller.tenantId(), id);
    Instant now = clock.instant();
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("webhook_id", endpoint.id());
    data.put("message", "This is a test event from Kaiten.");
    Event event =
        new Event(
            Ids.newId(Event.ID_PREFIX, now), caller.tenantId(), EventType.WEBHOOK_TEST, now, data);
    Delivery delivery = Delivery.of(event, endpoint.id(), now);
    return store.dispatchDelivery(
        caller.tenantId(), delivery, records(caller, "webhook.tested", delivery.id()));
  }

  public Page<Delivery> deliveries(ApiToken caller, String id, PageRequest page) {
    caller.requireAdmin();
    find(caller.tenantId(), id);
    return store.deliveries(caller.tenantId(), id, page);
  }

  /**
   * Sends a delivery again (same {@code webhook-id}, same body) with a fresh round of attempts,
   * stored with its dispatch and its audit record. A pending delivery is refused: it is still being
   * tried (a stored round always reaches the queue, through the outbox).
   */
  public Delivery redeliver(ApiToken caller, String id, String deliveryId) {
    caller.requireAdmin();
    find(caller.tenantId(), id);
    Delivery delivery =
        store
            .findDelivery(caller.tenantId(), id, deliveryId)
            .orElseThrow(() -> new NotFoundException("delivery", deliveryId));
    if (delivery.status() == DeliveryStatus.PENDING) {
      throw new ConflictException(
          null,
          "delivery '"
              + deliveryId
              + "' is still pending; redeliver it once it has failed or succeeded");
    }
    return store.restartDelivery(
        caller.tenantId(),
        delivery,
        clock.instant(),
        records(caller, "webhook.redelivered", deliveryId));
  }

  /** The change's audit record, written with it (webhook changes announce no event). */
  private ChangeRecords records(ApiToken caller, String type, String subject) {
    return journal.records(caller.tenantId(), type, subject, List.of());
  }

  private WebhookEndpoint find(String tenantId, String id) {
    return store.findEndpoint(tenantId, id).orElseThrow(() -> new NotFoundException("webhook", id));
  }

  /** Strictly after {@code previous}: the stored version changes even within one clock tick. */
  private Instant later(Instant previous) {
    Instant now = clock.instant();
    return now.isAfter(previous) ? now : previous.plusMillis(1);
  }

  /**
   * A draft's settings as an endpoint keeps them (url stripped, event types without duplicates), or
   * InvalidInputException naming the field ({@code url}, {@code description}, {@code
   * event_types[1]}). Whether the URL may be called is the {@link WebhookUrlPolicy}'s to say.
   */
  public static WebhookDraft checked(WebhookDraft draft) {
    return new WebhookDraft(
        checkedUrl(draft.url()), description(draft.description()), eventTypes(draft.eventTypes()));
  }

  /** A webhook URL as given, trimmed: required, at most {@value #MAX_URL_LENGTH} characters. */
  public static String checkedUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("url", "url is required");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw new InvalidInputException(
          "url", "url must be at most " + MAX_URL_LENGTH + " characters");
    }
    return url.strip();
  }

  private static String description(String description) {
    return Text.paragraph("description", description, MAX_DESCRIPTION_LENGTH);
  }

  /** Catalog event names, or {@code ["*"]} for all of them; duplicates are dropped. */
  private static List<String> eventTypes(List<String> given) {
    if (given == null || given.isEmpty()) {
      throw new InvalidInputException(
          "event_types", "event_types is required: event names, or [\"*\"] for all");
    }
    LinkedHashSet<String> types = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String type = given.get(i);
      if (type == null) {
        throw new InvalidInputException(
            "event_types[" + i + "]", "event_types must hold event names");
      }
      if (!type.equals(WebhookEndpoint.ALL_EVENTS) && EventType.fromWireName(type).isEmpty()) {
        throw new InvalidInputException(
            "event_types[" + i + "]", "unknown event type '" + type + "'");
      }
      types.add(type);
    }
    if (types.contains(WebhookEndpoint.ALL_EVENTS) && types.size() > 1) {
      throw new InvalidInputException(
          "event_types", "\"*\" subscribes to every event and stands alone");
    }
    return new ArrayList<>(types);
  }
}
