package sh.kaiten.domain.crm;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import sh.kaiten.domain.webhooks.WebhookEndpoint;

/**
 * A tenant's CRM connector: where each customer's usage properties are pushed (an https URL), and
 * the secret the pushes are signed with (Standard Webhooks, {@code whsec_<base64>}), shown once
 * when the connector is created and never answered after.
 *
 * @param dailyPushedOn the last UTC day whose daily push went out for every customer; null before
 *     the first
 */
public record CrmConnector(
    String tenantId,
    String url,
    String secret,
    LocalDate dailyPushedOn,
    Instant createdAt,
    Instant updatedAt) {
  /**
   * The endpoint id its pushes are delivered under (webhook endpoints' ids start with {@code wh_}).
   */
  public static final String ENDPOINT_ID = "crm";

  public CrmConnector {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** As the webhook dispatcher sees it: its URL and secret, subscribed to no event. */
  public WebhookEndpoint endpoint() {
    return new WebhookEndpoint(
        ENDPOINT_ID, url, "CRM connector", List.of(), secret, null, null, createdAt, updatedAt);
  }

  CrmConnector withSettings(String newUrl, Instant now) {
    return new CrmConnector(tenantId, newUrl, secret, dailyPushedOn, createdAt, now);
  }
}
