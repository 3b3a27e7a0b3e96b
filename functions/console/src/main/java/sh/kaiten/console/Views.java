package sh.kaiten.console;

import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.audit.ReportedUsage;
import sh.kaiten.domain.audit.Verification;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.evaluation.Source;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.metering.UsageState;
import sh.kaiten.domain.preview.LicenseChangePreview.Preview;
import sh.kaiten.domain.usage.EntitlementComparison;
import sh.kaiten.domain.usage.InstanceComparison;
import sh.kaiten.domain.usage.InstanceEntitlement;
import sh.kaiten.domain.usage.NearLimits;
import sh.kaiten.domain.usage.PeriodUsage;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookEndpoint;

/**
 * What the templates show: the domain's answers put into words and numbers, nothing decided here.
 * Numbers are written in full ({@code toPlainString}), as the API writes them.
 */
final class Views {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private Views() {}

  static String when(Instant at) {
    return at == null ? "—" : WHEN.format(at);
  }

  static String number(BigDecimal value) {
    return value == null ? null : value.stripTrailingZeros().toPlainString();
  }

  static String value(EntitlementValue value) {
    if (value == null) {
      return "not granted";
    }
    if (value instanceof EntitlementValue.Flag flag) {
      return flag.enabled() ? "on" : "off";
    }
    if (value instanceof EntitlementValue.Quota quota) {
      return quota.isUnlimited() ? "unlimited" : number(quota.limit());
    }
    return ((EntitlementValue.Config) value).payload().toString();
  }

  /** The frame around every page: its title, and for a signed-in user the CSRF token htmx sends. */
  @TemplateData
  record Chrome(String title, String csrf, boolean signedIn) {}

  @TemplateData
  record LicenseRow(
      String id,
      String tier,
      String status,
      String startsAt,
      String trialEndsAt,
      String expiresAt,
      String createdAt,
      String updatedAt) {
    static LicenseRow of(License license) {
      return new LicenseRow(
          license.id(),
          license.tier(),
          license.status().name(),
          when(license.startsAt()),
          when(license.trialEndsAt()),
          when(license.expiresAt()),
          when(license.createdAt()),
          when(license.updatedAt()));
    }
  }

  @TemplateData
  record CustomerRow(String id, String name, List<LicenseRow> licenses) {
    static CustomerRow of(Customer customer, List<License> licenses) {
      return new CustomerRow(
          customer.id(), customer.name(), licenses.stream().map(LicenseRow::of).toList());
    }
  }

  @TemplateData
  record Entry(String key, String value) {
    static List<Entry> of(Map<String, String> entries) {
      return entries.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .map(e -> new Entry(e.getKey(), e.getValue()))
          .toList();
    }
  }

  @TemplateData
  record InstanceRow(String id, String name, String createdAt) {
    static InstanceRow of(Instance instance) {
      return new InstanceRow(instance.id(), instance.name(), when(instance.createdAt()));
    }
  }

  @TemplateData
  record LicensePage(
      LicenseRow license,
      String customerId,
      String customerName,
      List<Entry> overrides,
      List<InstanceRow> instances,
      List<Choice> tiers,
      List<Choice> entitlements,
      boolean applied) {
    static LicensePage of(
        License license,
        Customer customer,
        List<Instance> instances,
        List<Choice> tiers,
        List<Choice> entitlements,
        boolean applied) {
      Map<String, String> overrides =
          license.overrides().entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> value(e.getValue())));
      return new LicensePage(
          LicenseRow.of(license),
          customer.id(),
          customer.name(),
          Entry.of(overrides),
          instances.stream().map(InstanceRow::of).toList(),
          tiers,
          entitlements,
          applied);
    }
  }

  /** One entitlement as the instance has it now. */
  @TemplateData
  record EntitlementRow(
      String slug,
      String name,
      String type,
      boolean enabled,
      String value,
      String source,
      String reason) {
    static EntitlementRow of(Evaluation evaluation) {
      return new EntitlementRow(
          evaluation.entitlement().slug(),
          evaluation.entitlement().name(),
          evaluation.entitlement().type().name(),
          evaluation.enabled(),
          Views.value(evaluation.value()),
          evaluation.source().name(),
          evaluation.reason() == null ? "" : evaluation.reason().name());
    }
  }

  /**
   * A NUMERIC entitlement's standing in its current period, as the API's usage answer gives it.
   *
   * @param limit null for unlimited (then no meter is drawn and {@code percentage} is null)
   */
  @TemplateData
  record Gauge(
      String slug,
      String used,
      String limit,
      String percentage,
      String unit,
      String periodEnd,
      String enforcement,
      String status) {
    static Gauge of(UsageState usage) {
      return new Gauge(
          usage.entitlement(),
          number(usage.currentUsage()),
          number(usage.limit()),
          usage.percentageUsed() == null ? null : usage.percentageUsed().toPlainString(),
          usage.unit() == null ? "" : usage.unit(),
          usage.period().end() == null ? "never (lifetime)" : when(usage.period().end()),
          usage.enforcement().name(),
          usage.status().name());
    }

    /** The meter's fill, capped at its end: a SOFT limit can be passed, a meter cannot. */
    public String meterValue() {
      return limit == null ? null : new BigDecimal(used).min(new BigDecimal(limit)).toPlainString();
    }
  }

  /** One counter's periods, oldest first: the chart's points and the table beside it. */
  @TemplateData
  record History(String entitlement, List<Point> points) {
    /** The periods' starts in epoch seconds, comma separated, for the chart. */
    public String xs() {
      return points.stream()
          .map(p -> Long.toString(p.start().getEpochSecond()))
          .collect(Collectors.joining(","));
    }

    public String ys() {
      return points.stream().map(Point::usage).collect(Collectors.joining(","));
    }

    static List<History> of(List<PeriodUsage> periods) {
      return periods.stream()
          .filter(p -> p.period().start() != null)
          .collect(
              Collectors.groupingBy(
                  PeriodUsage::entitlement, java.util.TreeMap::new, Collectors.toList()))
          .entrySet()
          .stream()
          .map(
              e ->
                  new History(
                      e.getKey(),
                      e.getValue().stream()
                          .map(
                              p ->
                                  new Point(
                                      p.period().start(),
                                      when(p.period().start()),
                                      when(p.period().end()),
                                      number(p.usage()),
                                      p.closed()))
                          .toList()))
          .toList();
    }
  }

  @TemplateData
  record Point(Instant start, String from, String to, String usage, boolean closed) {}

  @TemplateData
  record ReportRow(
      String receivedAt,
      String entitlement,
      String value,
      String status,
      String currentUsage,
      String idempotencyKey) {
    static ReportRow of(ReportedUsage report) {
      return new ReportRow(
          when(report.receivedAt()),
          report.entitlement(),
          number(report.value()),
          report.status(),
          number(report.currentUsage()),
          report.idempotencyKey() == null ? "" : report.idempotencyKey());
    }
  }

  @TemplateData
  record InstancePage(
      String id,
      String name,
      String licenseId,
      List<Entry> labels,
      List<EntitlementRow> entitlements,
      List<Gauge> gauges,
      List<History> histories,
      List<ReportRow> reports) {}

  /** An option of a select: its value and what it shows. */
  @TemplateData
  record Choice(String value, String label) {}

  /** One fact of a license before and after a change. */
  @TemplateData
  record Fact(String label, String before, String after) {
    public boolean changed() {
      return !before.equals(after);
    }

    static List<Fact> of(License before, License after) {
      return List.of(
          new Fact("Tier", before.tier(), after.tier()),
          new Fact("Status", before.status().name(), after.status().name()),
          new Fact("Starts", when(before.startsAt()), when(after.startsAt())),
          new Fact("Trial ends", when(before.trialEndsAt()), when(after.trialEndsAt())),
          new Fact("Expires", when(before.expiresAt()), when(after.expiresAt())),
          new Fact("Overrides", overrides(before), overrides(after)));
    }

    private static String overrides(License license) {
      return license.overrides().isEmpty()
          ? "none"
          : license.overrides().entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .map(e -> e.getKey() + " = " + value(e.getValue()))
              .collect(Collectors.joining(", "));
    }
  }

  /** What an instance gets from one entitlement, in words: granted or not, value, usage. */
  static String standing(InstanceEntitlement entitlement) {
    Evaluation evaluation = entitlement.evaluation();
    String given =
        evaluation.enabled()
            ? value(evaluation.value())
                + (evaluation.source() == Source.OVERRIDE ? " (override)" : "")
            : evaluation.value() instanceof EntitlementValue.Flag
                ? "off"
                : "not granted (" + evaluation.reason().name() + ")";
    UsageState usage = entitlement.usage();
    if (usage == null) {
      return given;
    }
    String used = number(usage.currentUsage()) + " used";
    if (usage.limit() != null) {
      used +=
          " of " + number(usage.limit()) + " (" + usage.percentageUsed().toPlainString() + " %)";
    }
    return given + " · " + used + " · " + usage.status().name();
  }

  /** One entitlement's row of a preview. */
  @TemplateData
  record ComparisonRow(String slug, String type, String before, String after, boolean changed) {
    static ComparisonRow of(EntitlementComparison comparison) {
      Evaluation evaluation = comparison.before().evaluation();
      return new ComparisonRow(
          evaluation.entitlement().slug(),
          evaluation.entitlement().type().name(),
          standing(comparison.before()),
          standing(comparison.after()),
          comparison.changed());
    }
  }

  @TemplateData
  record InstancePreview(String id, String name, int changed, List<ComparisonRow> rows) {
    static InstancePreview of(InstanceComparison comparison) {
      return new InstancePreview(
          comparison.instance().id(),
          comparison.instance().name(),
          comparison.changed().size(),
          comparison.entitlements().stream().map(ComparisonRow::of).toList());
    }
  }

  /**
   * A change shown before it is made.
   *
   * @param fields the change's form fields, sent again with the confirmation
   * @param readAt the license's {@code updated_at} as previewed: the change is made only on it
   */
  @TemplateData
  record PreviewPage(
      String licenseId,
      String description,
      List<Fact> facts,
      List<InstancePreview> instances,
      List<Entry> fields,
      String readAt) {
    static PreviewPage of(String description, Preview preview, Map<String, String> fields) {
      return new PreviewPage(
          preview.before().id(),
          description,
          Fact.of(preview.before(), preview.after()),
          preview.instances().stream().map(InstancePreview::of).toList(),
          fields.entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue())).toList(),
          preview.readAt().toString());
    }
  }

  /** One instance's standing on one limit, on the near-limit page. */
  @TemplateData
  record NearRow(
      String instanceId,
      String instanceName,
      String customer,
      String licenseId,
      String tier,
      Gauge gauge) {
    static NearRow of(NearLimits.Standing standing, String customer) {
      return new NearRow(
          standing.instance().id(),
          standing.instance().name(),
          customer,
          standing.license().id(),
          standing.license().tier(),
          Gauge.of(standing.usage()));
    }
  }

  @TemplateData
  record EndpointRow(
      String id, String url, String description, String eventTypes, String createdAt) {
    static EndpointRow of(WebhookEndpoint endpoint) {
      return new EndpointRow(
          endpoint.id(),
          endpoint.url(),
          endpoint.description() == null ? "" : endpoint.description(),
          String.join(", ", endpoint.eventTypes()),
          when(endpoint.createdAt()));
    }
  }

  /**
   * One delivery of the log.
   *
   * @param redeliverable whether it may be sent again now (a pending one is still being tried)
   */
  @TemplateData
  record DeliveryRow(
      String id,
      String eventType,
      String status,
      int attempts,
      String lastResponse,
      String lastError,
      String createdAt,
      String updatedAt,
      boolean redeliverable) {
    static DeliveryRow of(Delivery delivery) {
      return new DeliveryRow(
          delivery.id(),
          delivery.eventType(),
          delivery.status().name(),
          delivery.attempts(),
          delivery.lastResponseCode() == null ? "—" : delivery.lastResponseCode().toString(),
          delivery.lastError() == null ? "" : delivery.lastError(),
          when(delivery.createdAt()),
          when(delivery.updatedAt()),
          delivery.status() != DeliveryStatus.PENDING);
    }
  }

  @TemplateData
  record AuditRow(
      String id,
      String at,
      String type,
      String actor,
      String instanceId,
      String entitlements,
      String request,
      String result,
      String requestId) {
    static AuditRow of(AuditRecord record) {
      return new AuditRow(
          record.id(),
          when(record.at()),
          record.type(),
          record.actor(),
          record.instanceId() == null ? "" : record.instanceId(),
          String.join(", ", record.entitlements()),
          record.request(),
          record.result(),
          record.requestId() == null ? "" : record.requestId());
    }
  }

  /** What a verification of a range of the trail found. */
  @TemplateData
  record VerificationView(
      boolean valid,
      String from,
      String to,
      int recordsChecked,
      int digestsChecked,
      int unsealedRecords,
      String failure) {
    static VerificationView of(Verification verification) {
      Verification.Failure failure = verification.firstFailure();
      return new VerificationView(
          verification.valid(),
          when(verification.from()),
          when(verification.to()),
          verification.recordsChecked(),
          verification.digestsChecked(),
          verification.unsealedRecords(),
          failure == null
              ? null
              : failure.kind().name()
                  + (failure.recordId() == null ? "" : " record " + failure.recordId())
                  + " in the hour of "
                  + when(failure.hour())
                  + ": "
                  + failure.detail());
    }
  }

  /** The audit page's filter, as given (the form shows it again). */
  @TemplateData
  record AuditQuery(String instance, String entitlement, String type, String from, String to) {
    /** The query string of the same filter, for the next page's link. */
    public String params() {
      StringBuilder query = new StringBuilder();
      java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
      fields.put("instance", instance);
      fields.put("entitlement", entitlement);
      fields.put("type", type);
      fields.put("from", from);
      fields.put("to", to);
      fields.forEach(
          (name, value) -> {
            if (value != null && !value.isBlank()) {
              query
                  .append('&')
                  .append(name)
                  .append('=')
                  .append(
                      java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
            }
          });
      return query.toString();
    }
  }

  /** The catalog as a matrix: a row per entitlement, a cell per tier (lowest rank first). */
  @TemplateData
  record Matrix(List<Choice> tiers, List<MatrixRow> rows) {
    static Matrix of(List<Tier> tiers, List<Entitlement> entitlements) {
      List<Tier> ranked =
          tiers.stream()
              .sorted(java.util.Comparator.comparingInt(Tier::rank).thenComparing(Tier::slug))
              .toList();
      return new Matrix(
          ranked.stream()
              .map(t -> new Choice(t.slug(), t.name() + " (rank " + t.rank() + ")"))
              .toList(),
          entitlements.stream()
              .map(
                  e ->
                      new MatrixRow(
                          e.slug(),
                          e.name(),
                          e.type().name(),
                          ranked.stream()
                              .map(
                                  t ->
                                      t.entitlements().containsKey(e.slug())
                                          ? value(t.entitlements().get(e.slug()))
                                          : "—")
                              .toList()))
              .toList());
    }
  }

  /**
   * @param cells what each tier gives, "—" where it gives nothing
   */
  @TemplateData
  record MatrixRow(String slug, String name, String type, List<String> cells) {}
}
