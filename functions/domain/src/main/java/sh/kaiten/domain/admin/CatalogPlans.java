package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.admin.CatalogPlan.Action;
import sh.kaiten.domain.admin.CatalogPlan.AnswerChange;
import sh.kaiten.domain.admin.CatalogPlan.Change;
import sh.kaiten.domain.admin.CatalogPlan.FieldChange;
import sh.kaiten.domain.admin.CatalogPlan.LicenseChange;
import sh.kaiten.domain.admin.CatalogPlan.Refusal;
import sh.kaiten.domain.catalog.Catalog;
import sh.kaiten.domain.catalog.CatalogDocument;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.events.Event;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseEvaluator;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.webhooks.WebhookDraft;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;

/**
 * Use case: the catalog as a file: entitlements, tiers and, when the file has the section, webhook
 * endpoints ({@link CatalogWebhooks}). {@link #plan} says what a file would change and what every
 * license would be answered differently; {@link #apply} makes the same changes in one write, only
 * if the catalog is still the one the plan was made from (its hash); {@link #export} gives the file
 * of the catalog as stored.
 *
 * <p>A plan refuses what the single changes refuse: fields fixed once created, deleting an
 * entitlement that license overrides still give or a tier licenses are on (naming the licenses), a
 * CONFIG schema that refuses values overrides give, more changes than one write holds.
 *
 * <p>Longer than most use cases (about 500 lines): apply must make exactly the changes its plan
 * showed, so the diff (records, fields, refusals, what each license is answered differently) is
 * computed in one place, here, for both; splitting the diff out would leave a class whose only
 * caller is this one.
 */
public final class CatalogPlans {
  /** What a stored entitlement keeps: the counters already kept mean what they said. */
  private static final Set<String> FIXED =
      Set.of(
          "type",
          "metering.aggregation",
          "metering.reset",
          "metering.reset_anchor",
          "metering.scope",
          "metering.shards");

  private final AdminStores stores;
  private final CatalogChangeStore store;
  private final WebhookStore webhooks;
  private final WebhookUrlPolicy urls;
  private final Changes changes;

  /**
   * @param urls which webhook URLs may be called, checked as the API's changes check them
   * @param journal what the apply writes with itself, in its transaction: an event per change and
   *     one audit record for the whole apply
   */
  public CatalogPlans(
      AdminStores stores,
      CatalogChangeStore store,
      WebhookStore webhooks,
      WebhookUrlPolicy urls,
      ChangeJournal journal,
      Clock clock) {
    this.stores = stores;
    this.store = store;
    this.webhooks = webhooks;
    this.urls = urls;
    this.changes = new Changes(journal, clock);
  }

  /**
   * The catalog as stored, as a file; with a {@code webhooks} section when the tenant has endpoints
   * (never their secrets).
   */
  public ObjectNode export(ApiToken caller) {
    caller.requireAdmin();
    ObjectNode file = CatalogDocument.write(current(caller.tenantId()));
    List<WebhookEndpoint> endpoints = endpoints(caller.tenantId());
    if (!endpoints.isEmpty()) {
      file.set(CatalogWebhooks.SECTION, CatalogWebhooks.section(endpoints));
    }
    return file;
  }

  /** What applying {@code file} would do; nothing is written. */
  public CatalogPlan plan(ApiToken caller, JsonNode file) {
    caller.requireAdmin();
    String tenantId = caller.tenantId();
    Catalog desired = CatalogDocument.read(file);
    List<WebhookDraft> wantedHooks = CatalogWebhooks.read(file, urls);
    return plan(
        tenantId,
        new Wanted(desired, wantedHooks),
        current(tenantId),
        endpoints(tenantId, wantedHooks),
        file);
  }

  /** What a file wants: its catalog, and its endpoints (null when it leaves them alone). */
  private record Wanted(Catalog catalog, List<WebhookDraft> webhooks) {}

  /** The stored endpoints a plan weighs: none when the file leaves them alone. */
  private List<WebhookEndpoint> endpoints(String tenantId, List<WebhookDraft> wanted) {
    return wanted == null ? List.of() : endpoints(tenantId);
  }

  /** The tenant's endpoints by URL (then id), as a file lists them. */
  private List<WebhookEndpoint> endpoints(String tenantId) {
    return webhooks.allEndpoints(tenantId).stream()
        .sorted(Comparator.comparing(WebhookEndpoint::url).thenComparing(WebhookEndpoint::id))
        .toList();
  }

  /**
   * Applies {@code file} as the plan whose hash is {@code planHash} said, all of it or nothing.
   *
   * @throws ConflictException when the catalog changed since that plan, when the plan is refused,
   *     or when a record the plan changes is changed by another request while it is written
   */
  public CatalogPlan apply(ApiToken caller, JsonNode file, String planHash) {
    caller.requireAdmin();
    if (planHash == null || planHash.isBlank()) {
      throw new InvalidInputException(
          "plan_hash", "plan_hash is required: the hash of the plan this apply carries out");
    }
    String tenantId = caller.tenantId();
    Catalog desired = CatalogDocument.read(file);
    List<WebhookDraft> wantedHooks = CatalogWebhooks.read(file, urls);
    Catalog current = current(tenantId);
    List<WebhookEndpoint> hadHooks = endpoints(tenantId, wantedHooks);
    CatalogPlan plan = plan(tenantId, new Wanted(desired, wantedHooks), current, hadHooks, file);
    if (!plan.hash().equals(planHash)) {
      throw new ConflictException(
          "plan_hash",
          "the catalog changed since this plan was made; make a new plan and review it");
    }
    if (!plan.applicable()) {
      throw new ConflictException(
          plan.refusals().get(0).path(),
          "the plan cannot be applied: "
              + plan.refusals().stream().map(Refusal::problem).collect(Collectors.joining("; ")));
    }
    if (!plan.hasChanges()) {
      return plan;
    }
    List<CatalogChange> writes = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    Instant now = changes.now();
    for (Change change : plan.changes()) {
      String slug = change.slug();
      if (change.kind().equals("entitlement")) {
        Entitlement had = current.entitlement(slug).orElse(null);
        Entitlement want = desired.entitlement(slug).orElse(null);
        switch (change.action()) {
          case CREATE -> {
            Entitlement created =
                new Entitlement(
                    slug, want.name(), want.type(), want.metering(), want.configSchema(), now);
            writes.add(new CatalogChange.EntitlementCreated(created));
            events.add(event(caller, EventType.ENTITLEMENT_CREATED, EventData.of(created)));
          }
          case UPDATE -> {
            Entitlement updated =
                new Entitlement(
                    slug,
                    want.name(),
                    had.type(),
                    want.metering(),
                    want.configSchema(),
                    had.createdAt(),
                    now);
            writes.add(new CatalogChange.EntitlementUpdated(updated, had.updatedAt()));
            events.add(event(caller, EventType.ENTITLEMENT_UPDATED, EventData.of(updated)));
          }
          case DELETE -> {
            writes.add(new CatalogChange.EntitlementDeleted(slug));
            events.add(event(caller, EventType.ENTITLEMENT_DELETED, EventData.of(had)));
          }
        }
      } else if (change.kind().equals("tier")) {
        Tier had = current.tier(slug).orElse(null);
        Tier want = desired.tier(slug).orElse(null);
        switch (change.action()) {
          case CREATE -> {
            Tier created = new Tier(slug, want.name(), want.rank(), want.entitlements(), now);
            writes.add(new CatalogChange.TierCreated(created));
            events.add(event(caller, EventType.TIER_CREATED, EventData.of(created)));
          }
          case UPDATE -> {
            Tier updated =
                new Tier(slug, want.name(), want.rank(), want.entitlements(), had.createdAt(), now);
            writes.add(new CatalogChange.TierUpdated(updated, had.updatedAt()));
            events.add(event(caller, EventType.TIER_UPDATED, EventData.of(updated)));
          }
          case DELETE -> {
            writes.add(new CatalogChange.TierDeleted(slug));
            events.add(event(caller, EventType.TIER_DELETED, EventData.of(had)));
          }
        }
      }
    }
    if (wantedHooks != null) {
      // Webhook changes announce no event: the apply's audit record tells them.
      writes.addAll(CatalogWebhooks.writes(plan.changes(), hadHooks, wantedHooks, now));
    }
    store.applyChanges(
        tenantId,
        writes,
        changes.records(tenantId, "catalog.applied", plan.hash(), events, audited(plan)));
    return plan;
  }

  private Event event(ApiToken caller, EventType type, ObjectNode data) {
    return changes.event(caller, type, data);
  }

  private Catalog current(String tenantId) {
    return new Catalog(
        Page.all(page -> stores.entitlements().entitlements(tenantId, page)),
        Page.all(page -> stores.tiers().tiers(tenantId, page)));
  }

  private CatalogPlan plan(
      String tenantId,
      Wanted wanted,
      Catalog current,
      List<WebhookEndpoint> hadHooks,
      JsonNode file) {
    Catalog desired = wanted.catalog();
    List<License> licenses = Page.all(page -> stores.licenses().licenses(tenantId, page));
    List<Change> planned = new ArrayList<>();
    List<Refusal> refusals = new ArrayList<>();
    for (Entitlement want : desired.entitlements()) {
      String slug = want.slug();
      Entitlement had = current.entitlement(slug).orElse(null);
      if (had == null) {
        planned.add(created("entitlement", slug, CatalogDocument.write(want)));
        continue;
      }
      List<FieldChange> fields =
          fieldChanges(CatalogDocument.write(had), CatalogDocument.write(want));
      if (fields.isEmpty()) {
        continue;
      }
      planned.add(new Change(Action.UPDATE, "entitlement", slug, fields));
      for (FieldChange field : fields) {
        if (FIXED.contains(field.field())) {
          refusals.add(
              new Refusal(
                  pointer(file, "entitlements", slug, field.field()),
                  "entitlement '"
                      + slug
                      + "': "
                      + field.field()
                      + " cannot change once created (the counters already kept mean what they"
                      + " said); create an entitlement with another slug",
                  List.of()));
        }
      }
      if (want.configSchema() != null && !Objects.equals(want.configSchema(), had.configSchema())) {
        refusals.addAll(overridesRefused(file, want, licenses));
      }
    }
    for (Entitlement had : current.entitlements()) {
      if (desired.entitlement(had.slug()).isEmpty()) {
        planned.add(deleted("entitlement", had.slug(), CatalogDocument.write(had)));
        List<String> holders =
            licenses.stream()
                .filter(license -> license.overrides().containsKey(had.slug()))
                .map(License::id)
                .toList();
        if (!holders.isEmpty()) {
          refusals.add(
              new Refusal(
                  "/entitlements",
                  "entitlement '"
                      + had.slug()
                      + "' cannot be deleted: the overrides of "
                      + holders.size()
                      + " license(s) give it a value; remove them first",
                  holders));
        }
      }
    }
    for (Tier want : desired.tiers()) {
      Tier had = current.tier(want.slug()).orElse(null);
      if (had == null) {
        planned.add(created("tier", want.slug(), CatalogDocument.write(want)));
      } else {
        List<FieldChange> fields =
            fieldChanges(CatalogDocument.write(had), CatalogDocument.write(want));
        if (!fields.isEmpty()) {
          planned.add(new Change(Action.UPDATE, "tier", want.slug(), fields));
        }
      }
    }
    for (Tier had : current.tiers()) {
      if (desired.tier(had.slug()).isEmpty()) {
        planned.add(deleted("tier", had.slug(), CatalogDocument.write(had)));
        List<String> on =
            licenses.stream()
                .filter(license -> license.tier().equals(had.slug()))
                .map(License::id)
                .toList();
        if (!on.isEmpty()) {
          refusals.add(
              new Refusal(
                  "/tiers",
                  "tier '"
                      + had.slug()
                      + "' cannot be deleted: "
                      + on.size()
                      + " license(s) are on it; move them to another tier first",
                  on));
        }
      }
    }
    if (wanted.webhooks() != null) {
      CatalogWebhooks.plan(file, hadHooks, wanted.webhooks(), planned, refusals);
    }
    if (planned.size() > CatalogChangeStore.MAX_CHANGES) {
      refusals.add(
          new Refusal(
              "",
              planned.size()
                  + " changes are more than one apply makes at once ("
                  + CatalogChangeStore.MAX_CHANGES
                  + "); apply the file in steps",
              List.of()));
    }
    return new CatalogPlan(
        hash(current, hadHooks, wanted),
        planned,
        answerChanges(tenantId, current, desired, licenses),
        refusals);
  }

  /** The overrides a new CONFIG schema would refuse, each naming its license. */
  private static List<Refusal> overridesRefused(
      JsonNode file, Entitlement wanted, List<License> licenses) {
    List<Refusal> refusals = new ArrayList<>();
    for (License license : licenses) {
      EntitlementValue given = license.overrides().get(wanted.slug());
      if (given instanceof EntitlementValue.Config config) {
        try {
          EntitlementValue.fromJson("config_schema", wanted, config.payload());
        } catch (InvalidInputException refused) {
          refusals.add(
              new Refusal(
                  pointer(file, "entitlements", wanted.slug(), "config_schema"),
                  "the new config_schema of '"
                      + wanted.slug()
                      + "' refuses the override of license '"
                      + license.id()
                      + "': "
                      + refused.getMessage(),
                  List.of(license.id())));
        }
      }
    }
    return refusals;
  }

  /** For each license, the entitlements it would be answered differently, now. */
  private List<LicenseChange> answerChanges(
      String tenantId, Catalog current, Catalog desired, List<License> licenses) {
    if (licenses.isEmpty()) {
      return List.of();
    }
    Instant now = changes.now();
    Map<String, List<String>> instances = new TreeMap<>();
    for (Instance instance : Page.all(page -> stores.instances().instances(tenantId, page))) {
      instances.computeIfAbsent(instance.licenseId(), id -> new ArrayList<>()).add(instance.id());
    }
    Set<String> slugs = new TreeSet<>();
    current.entitlements().forEach(e -> slugs.add(e.slug()));
    desired.entitlements().forEach(e -> slugs.add(e.slug()));
    List<LicenseChange> changed = new ArrayList<>();
    Map<String, String> customers = null; // read once, when a license's answers change
    for (License license : licenses) {
      Tier before = current.tier(license.tier()).orElse(null);
      Tier after = desired.tier(license.tier()).orElse(null);
      List<AnswerChange> answers = new ArrayList<>();
      for (String slug : slugs) {
        JsonNode was =
            current.entitlement(slug).map(e -> answer(license, before, e, now)).orElse(null);
        JsonNode will =
            desired.entitlement(slug).map(e -> answer(license, after, e, now)).orElse(null);
        if (!CatalogDocument.canonical(was).equals(CatalogDocument.canonical(will))) {
          answers.add(new AnswerChange(slug, was, will));
        }
      }
      if (!answers.isEmpty()) {
        if (customers == null) {
          customers = customerNames(tenantId);
        }
        List<String> on = instances.getOrDefault(license.id(), List.of());
        changed.add(
            new LicenseChange(
                license.id(),
                license.customerId(),
                customers.get(license.customerId()),
                license.tier(),
                on.stream().sorted().toList(),
                answers));
      }
    }
    return changed;
  }

  /**
   * What the apply's audit record keeps of its plan: every change with its fields before and after
   * (at most {@value CatalogChangeStore#MAX_CHANGES} of them), and how many licenses it answers
   * differently (their list, as long as the tenant's, stays in the plan).
   */
  private static ObjectNode audited(CatalogPlan plan) {
    ObjectNode outcome = JsonNodeFactory.instance.objectNode();
    ArrayNode changed = outcome.putArray("changes");
    for (Change change : plan.changes()) {
      ObjectNode entry =
          changed
              .addObject()
              .put("action", change.action().name())
              .put("kind", change.kind())
              .put("slug", change.slug());
      ArrayNode fields = entry.putArray("fields");
      for (FieldChange field : change.fields()) {
        ObjectNode value = fields.addObject().put("field", field.field());
        value.set("before", field.before());
        value.set("after", field.after());
      }
    }
    outcome.put("licenses_changed", plan.licenses().size());
    return outcome;
  }

  /** Each customer's name by id, so a reviewer of the plan reads whom a change reaches. */
  private Map<String, String> customerNames(String tenantId) {
    Map<String, String> names = new HashMap<>();
    for (Customer customer : Page.all(page -> stores.customers().customers(tenantId, page))) {
      names.put(customer.id(), customer.name());
    }
    return names;
  }

  /** What an instance of {@code license} is answered for {@code entitlement} under {@code tier}. */
  private static JsonNode answer(License license, Tier tier, Entitlement entitlement, Instant now) {
    Evaluation evaluation = LicenseEvaluator.evaluate(license, tier, entitlement, now);
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    answer.put("enabled", evaluation.enabled());
    answer.set(
        "value",
        evaluation.value() == null
            ? JsonNodeFactory.instance.nullNode()
            : CatalogDocument.value(evaluation.value()));
    answer.put("source", evaluation.source().name());
    answer.put("reason", evaluation.reason().name());
    return answer;
  }

  static Change created(String kind, String slug, ObjectNode record) {
    List<FieldChange> fields = new ArrayList<>();
    flatten(record).forEach((field, value) -> fields.add(new FieldChange(field, null, value)));
    return new Change(Action.CREATE, kind, slug, fields);
  }

  static Change deleted(String kind, String slug, ObjectNode record) {
    List<FieldChange> fields = new ArrayList<>();
    flatten(record).forEach((field, value) -> fields.add(new FieldChange(field, value, null)));
    return new Change(Action.DELETE, kind, slug, fields);
  }

  /** The fields whose values differ, in the order the record is written. */
  static List<FieldChange> fieldChanges(ObjectNode had, ObjectNode want) {
    Map<String, JsonNode> before = flatten(had);
    Map<String, JsonNode> after = flatten(want);
    Map<String, JsonNode> all = new LinkedHashMap<>(before);
    after.forEach(all::putIfAbsent);
    List<FieldChange> fields = new ArrayList<>();
    all.keySet()
        .forEach(
            field -> {
              JsonNode was = before.get(field);
              JsonNode will = after.get(field);
              if (!CatalogDocument.canonical(was).equals(CatalogDocument.canonical(will))) {
                fields.add(new FieldChange(field, was, will));
              }
            });
    return fields;
  }

  /**
   * A record's fields as the plan names them: metering settings and tier values one by one ({@code
   * metering.unit}, {@code entitlements.sso}), a CONFIG schema whole.
   */
  private static Map<String, JsonNode> flatten(ObjectNode record) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    record
        .fields()
        .forEachRemaining(
            field -> {
              String name = field.getKey();
              if ((name.equals("metering") || name.equals("entitlements"))
                  && field.getValue().isObject()) {
                field
                    .getValue()
                    .fields()
                    .forEachRemaining(
                        inner -> fields.put(name + "." + inner.getKey(), inner.getValue()));
              } else if (!name.equals("slug")) {
                fields.put(name, field.getValue());
              }
            });
    return fields;
  }

  /** Where a record's field is in the file: {@code /entitlements/3/metering/aggregation}. */
  private static String pointer(JsonNode file, String list, String slug, String field) {
    JsonNode records = file.path(list);
    for (int i = 0; i < records.size(); i++) {
      if (slug.equals(records.get(i).path("slug").asText())) {
        return "/" + list + "/" + i + "/" + field.replace('.', '/');
      }
    }
    return "/" + list;
  }

  /**
   * SHA-256 of both catalogs' files, each written the one way it can be; the endpoints count only
   * when the file has them.
   */
  private static String hash(Catalog current, List<WebhookEndpoint> hadHooks, Wanted wanted) {
    ObjectNode before = CatalogDocument.write(current);
    ObjectNode after = CatalogDocument.write(wanted.catalog());
    if (wanted.webhooks() != null) {
      before.set(CatalogWebhooks.SECTION, CatalogWebhooks.section(hadHooks));
      after.set(CatalogWebhooks.SECTION, CatalogWebhooks.write(wanted.webhooks()));
    }
    String both = CatalogDocument.canonical(before) + "\n" + CatalogDocument.canonical(after);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(both.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
