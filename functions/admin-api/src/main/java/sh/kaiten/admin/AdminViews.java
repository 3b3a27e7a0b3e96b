package sh.kaiten.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.admin.IssuedToken;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Enforcement;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.EntitlementType;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.catalog.MeterScope;
import sh.kaiten.domain.catalog.Reset;
import sh.kaiten.domain.catalog.ResetAnchor;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.webhooks.CreatedWebhook;
import sh.kaiten.domain.webhooks.Delivery;
import sh.kaiten.domain.webhooks.DeliveryStatus;
import sh.kaiten.domain.webhooks.WebhookEndpoint;
import sh.kaiten.http.views.EvaluationView;

/** How control-plane records look on the wire. */
final class AdminViews {
  private AdminViews() {}

  /** An entitlement with its NUMERIC settings at the top level, as they are written. */
  @RegisterForReflection
  record EntitlementView(
      String slug,
      String name,
      EntitlementType type,
      Aggregation aggregation,
      Reset reset,
      ResetAnchor resetAnchor,
      MeterScope scope,
      Enforcement enforcement,
      BigDecimal overagePercent,
      List<Integer> thresholds,
      String unit,
      Integer shards,
      JsonNode configSchema,
      Instant createdAt,
      Instant updatedAt) {

    static EntitlementView of(Entitlement e) {
      var m = e.metering();
      return m == null
          ? new EntitlementView(
              e.slug(),
              e.name(),
              e.type(),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              e.configSchema(),
              e.createdAt(),
              e.updatedAt())
          : new EntitlementView(
              e.slug(),
              e.name(),
              e.type(),
              m.aggregation(),
              m.reset(),
              m.resetAnchor(),
              m.scope(),
              m.enforcement(),
              m.overagePercent(),
              m.thresholds(),
              m.unit(),
              m.shards(),
              e.configSchema(),
              e.createdAt(),
              e.updatedAt());
    }
  }

  @RegisterForReflection
  record TierView(
      String slug,
      String name,
      int rank,
      Map<String, JsonNode> entitlements,
      Instant createdAt,
      Instant updatedAt) {
    static TierView of(Tier tier) {
      return new TierView(
          tier.slug(),
          tier.name(),
          tier.rank(),
          json(tier.entitlements()),
          tier.createdAt(),
          tier.updatedAt());
    }
  }

  @RegisterForReflection
  record LicenseView(
      String id,
      String customerId,
      String tier,
      LicenseStatus status,
      Instant startsAt,
      Instant trialEndsAt,
      Instant expiresAt,
      Map<String, JsonNode> overrides,
      Instant createdAt,
      Instant updatedAt) {
    static LicenseView of(License l) {
      return new LicenseView(
          l.id(),
          l.customerId(),
          l.tier(),
          l.status(),
          l.startsAt(),
          l.trialEndsAt(),
          l.expiresAt(),
          json(l.overrides()),
          l.createdAt(),
          l.updatedAt());
    }
  }

  /**
   * One page of a list; pass {@code next_cursor} as {@code cursor} for the next (null on the last
   * page).
   */
  @RegisterForReflection
  record ListView<T>(List<T> items, String nextCursor) {
    static <T, R> ListView<R> of(Page<T> page, Function<T, R> view) {
      return new ListView<>(page.items().stream().map(view).toList(), page.nextCursor());
    }
  }

  /** A token as listed: never its secret. */
  @RegisterForReflection
  record TokenView(String id, TokenScope scope, String instanceId, Instant createdAt) {
    static TokenView of(ApiToken token) {
      return new TokenView(token.id(), token.scope(), token.instanceId(), token.createdAt());
    }
  }

  @RegisterForReflection
  record TokenList(List<TokenView> tokens) {}

  /** A token just issued: {@code token} is the secret, shown in this answer only. */
  @RegisterForReflection
  record IssuedTokenView(
      String id, String token, TokenScope scope, String instanceId, Instant createdAt) {
    static IssuedTokenView of(IssuedToken issued) {
      ApiToken token = issued.token();
      return new IssuedTokenView(
          token.id(), issued.secret(), token.scope(), token.instanceId(), token.createdAt());
    }
  }

  /** A new token: {@code token} is the secret, shown in this answer only. */
  @RegisterForReflection
  record NewToken(String id, String token) {}

  @RegisterForReflection
  record CreatedInstance(
      String id,
      String licenseId,
      String name,
      Map<String, String> labels,
      Instant createdAt,
      NewToken token) {
    static CreatedInstance of(Instance i, NewToken token) {
      return new CreatedInstance(i.id(), i.licenseId(), i.name(), i.labels(), i.createdAt(), token);
    }
  }

  /** A webhook endpoint as read back: never its secret. */
  @RegisterForReflection
  record WebhookView(
      String id,
      String url,
      String description,
      List<String> eventTypes,
      Instant createdAt,
      Instant updatedAt,
      Instant previousSecretExpiresAt) {
    static WebhookView of(WebhookEndpoint e) {
      return new WebhookView(
          e.id(),
          e.url(),
          e.description(),
          e.eventTypes(),
          e.createdAt(),
          e.updatedAt(),
          e.previousSecretExpiresAt());
    }
  }

  /**
   * An endpoint just created or rotated: {@code secret} signs its deliveries, shown in this answer
   * only.
   */
  @RegisterForReflection
  record CreatedWebhookView(
      String id,
      String url,
      String description,
      List<String> eventTypes,
      String secret,
      Instant createdAt,
      Instant updatedAt,
      Instant previousSecretExpiresAt) {
    static CreatedWebhookView of(CreatedWebhook created) {
      WebhookEndpoint e = created.endpoint();
      return new CreatedWebhookView(
          e.id(),
          e.url(),
          e.description(),
          e.eventTypes(),
          created.secret(),
          e.createdAt(),
          e.updatedAt(),
          e.previousSecretExpiresAt());
    }
  }

  /**
   * One entry of an endpoint's delivery log. {@code id} is the {@code webhook-id} header the
   * receiver got; {@code endpointId} the endpoint ({@code wh_...}) it went to.
   */
  @RegisterForReflection
  record DeliveryView(
      String id,
      String endpointId,
      String eventId,
      String eventType,
      DeliveryStatus status,
      int attempts,
      Integer lastResponseCode,
      Long lastLatencyMs,
      String lastError,
      Instant createdAt,
      Instant updatedAt) {
    static DeliveryView of(Delivery d) {
      return new DeliveryView(
          d.id(),
          d.endpointId(),
          d.eventId(),
          d.eventType(),
          d.status(),
          d.attempts(),
          d.lastResponseCode(),
          d.lastLatencyMs(),
          d.lastError(),
          d.createdAt(),
          d.updatedAt());
    }
  }

  @RegisterForReflection
  record CreatedTenant(String id, String name, Instant createdAt, NewToken adminToken) {}

  private static Map<String, JsonNode> json(Map<String, EntitlementValue> values) {
    Map<String, JsonNode> json = new LinkedHashMap<>();
    values.forEach((slug, value) -> json.put(slug, EvaluationView.json(value)));
    return json;
  }
}
