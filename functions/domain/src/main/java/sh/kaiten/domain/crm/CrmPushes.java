package sh.kaiten.domain.crm;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.usage.EntitlementQueries;
import sh.kaiten.domain.usage.InstanceEntitlement;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.PushTargets;
import sh.kaiten.domain.webhooks.WebhookStore;

/**
 * Use case: each customer's usage properties pushed to the tenant's CRM connector when one of its
 * counters crosses a threshold, reaches or passes its limit, and once a day. A push is a delivery
 * like a webhook's: stored with its ticket in the outbox in one transaction, then signed, sent and
 * retried with backoff by the webhook dispatcher, and listed in the delivery log. Its id is derived
 * from what caused it (the event, or the day) and the customer, so an event delivered again, or a
 * daily run tried again, pushes nothing twice.
 *
 * <p>The figures are the entitlement answers of every instance of the customer's licenses, as
 * {@code GET /api/instances/{id}/usage} gives them at the push. A customer's licenses and instances
 * are found in one pass over the tenant's (there is no index by customer).
 */
public final class CrmPushes {
  /** The usage events that push the customer's properties. */
  public static final Set<EventType> TRIGGERS =
      EnumSet.of(
          EventType.USAGE_THRESHOLD_REACHED,
          EventType.USAGE_LIMIT_REACHED,
          EventType.USAGE_LIMIT_EXCEEDED);

  /** The trigger of the daily push. */
  public static final String DAILY = "daily";

  /** Who reads the entitlement answers: the system, for the tenant, never for another. */
  static final String ACTOR = "system:crm";

  private final CrmConnectors connectors;
  private final CustomerStore customers;
  private final LicenseStore licenses;
  private final InstanceStore instances;
  private final EntitlementQueries queries;
  private final WebhookStore deliveries;
  private final Clock clock;

  public CrmPushes(
      CrmConnectors connectors,
      CustomerStore customers,
      LicenseStore licenses,
      InstanceStore instances,
      EntitlementQueries queries,
      WebhookStore deliveries,
      Clock clock) {
    this.connectors = connectors;
    this.customers = customers;
    this.licenses = licenses;
    this.instances = instances;
    this.queries = queries;
    this.deliveries = deliveries;
    this.clock = clock;
  }

  /** The CRM connector as the webhook dispatcher finds it, by its deliveries' endpoint id. */
  public static PushTargets targets(CrmConnectors connectors) {
    return (tenantId, endpointId) ->
        CrmConnector.ENDPOINT_ID.equals(endpointId)
            ? connectors.find(tenantId).map(CrmConnector::endpoint)
            : Optional.empty();
  }

  /** What a daily run did: each push as "tenant customer", and each tenant that failed. */
  public record DailyRun(List<String> pushed, List<String> failures) {}

  /**
   * The push a usage event causes: the properties of the customer whose instance or license pool
   * the event is about, when the tenant has a connector.
   *
   * @return the push this call stored, empty when there is none to make or it was made before
   */
  public Optional<Delivery> onEvent(Event event) {
    if (!TRIGGERS.contains(event.type()) || connectors.find(event.tenantId()).isEmpty()) {
      return Optional.empty();
    }
    String tenantId = event.tenantId();
    Optional<License> license =
        event.data().hasNonNull("license_id")
            ? licenses.findLicense(tenantId, event.data().get("license_id").asText())
            : Optional.ofNullable(event.data().get("instance_id"))
                .flatMap(id -> instances.findInstance(tenantId, id.asText()))
                .flatMap(instance -> licenses.findLicense(tenantId, instance.licenseId()));
    Optional<Customer> customer =
        license.flatMap(found -> customers.findCustomer(tenantId, found.customerId()));
    if (customer.isEmpty()) {
      return Optional.empty(); // deleted since the event: nothing left to say
    }
    List<License> held =
        Page.all(request -> licenses.licenses(tenantId, request)).stream()
            .filter(l -> l.customerId().equals(customer.get().id()))
            .toList();
    return push(
        tenantId,
        customer.get(),
        held,
        instancesOf(tenantId, held),
        event.type().wireName(),
        event.id(),
        event.createdAt());
  }

  /**
   * Today's push (UTC) for every customer holding a license, for each tenant with a connector that
   * has not had today's yet. A tenant that fails is tried again at the next run, and only the
   * customers it had not pushed are pushed then.
   */
  public DailyRun daily(List<String> tenantIds) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant dayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant();
    List<String> pushed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String tenantId : tenantIds) {
      try {
        Optional<CrmConnector> connector = connectors.find(tenantId);
        if (connector.isEmpty() || today.equals(connector.get().dailyPushedOn())) {
          continue;
        }
        Map<String, List<License>> byCustomer =
            Page.all(request -> licenses.licenses(tenantId, request)).stream()
                .collect(
                    Collectors.groupingBy(License::customerId, TreeMap::new, Collectors.toList()));
        Map<String, List<Instance>> byLicense = instancesOf(tenantId, null);
        for (var held : byCustomer.entrySet()) {
          Optional<Customer> customer = customers.findCustomer(tenantId, held.getKey());
          if (customer.isPresent()
              && push(
                      tenantId,
                      customer.get(),
                      held.getValue(),
                      byLicense,
                      DAILY,
                      DAILY + "#" + today,
                      dayStart)
                  .isPresent()) {
            pushed.add(tenantId + " " + held.getKey());
          }
        }
        connectors.markDailyPushed(tenantId, today);
      } catch (RuntimeException e) {
        failures.add("crm daily push of tenant " + tenantId + ": " + e.getMessage());
      }
    }
    return new DailyRun(pushed, failures);
  }

  /**
   * The tenant's instances by license id, in id order: of {@code held} only, or of every license
   * when null.
   */
  private Map<String, List<Instance>> instancesOf(String tenantId, List<License> held) {
    Set<String> ids =
        held == null ? null : held.stream().map(License::id).collect(Collectors.toSet());
    return Page.all(request -> instances.instances(tenantId, request)).stream()
        .filter(instance -> ids == null || ids.contains(instance.licenseId()))
        .sorted(Comparator.comparing(Instance::id))
        .collect(Collectors.groupingBy(Instance::licenseId, TreeMap::new, Collectors.toList()));
  }

  /** Stores the push with its ticket; empty when one with its id was stored before. */
  private Optional<Delivery> push(
      String tenantId,
      Customer customer,
      List<License> held,
      Map<String, List<Instance>> byLicense,
      String trigger,
      String cause,
      Instant causedAt) {
    Instant now = clock.instant();
    ApiToken system = new ApiToken(ACTOR, tenantId, TokenScope.ADMIN, null, null, now);
    List<License> sorted = held.stream().sorted(Comparator.comparing(License::id)).toList();
    List<UsageProperties.Row> rows = new ArrayList<>();
    for (License license : sorted) {
      for (Instance instance : byLicense.getOrDefault(license.id(), List.of())) {
        for (InstanceEntitlement answer : queries.evaluateAll(system, instance.id())) {
          if (answer.usage() != null) {
            rows.add(new UsageProperties.Row(license, instance.id(), answer.usage()));
          }
        }
      }
    }
    String id =
        Ids.derivedId(
            Delivery.ID_PREFIX,
            causedAt,
            cause + "#" + CrmConnector.ENDPOINT_ID + "#" + customer.id());
    String payload = UsageProperties.of(id, now, trigger, customer, sorted, rows);
    Delivery delivery =
        new Delivery(
            id,
            CrmConnector.ENDPOINT_ID,
            cause,
            UsageProperties.TYPE,
            payload,
            DeliveryStatus.PENDING,
            0,
            null,
            null,
            null,
            0,
            false,
            now,
            now);
    try {
      return Optional.of(deliveries.dispatchDelivery(tenantId, delivery, ChangeRecords.NONE));
    } catch (ConflictException pushedBefore) {
      return Optional.empty();
    }
  }
}
