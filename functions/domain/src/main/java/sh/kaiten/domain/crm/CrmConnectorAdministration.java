package sh.kaiten.domain.crm;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.webhooks.WebhookSecrets;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;
import sh.kaiten.domain.webhooks.Webhooks;

/**
 * Use case: an admin sets up, reads and removes the tenant's CRM connector. The URL is checked as a
 * webhook's is before anything is written; the signing secret is made when the connector is created
 * and answered that once.
 */
public final class CrmConnectorAdministration {
  private final CrmConnectors connectors;
  private final WebhookUrlPolicy urls;
  private final Clock clock;

  public CrmConnectorAdministration(CrmConnectors connectors, WebhookUrlPolicy urls, Clock clock) {
    this.connectors = connectors;
    this.urls = urls;
    this.clock = clock;
  }

  /**
   * The connector as it stands now.
   *
   * @param signingSecret the new connector's secret, to show once; null when it was replaced
   */
  public record Written(CrmConnector connector, String signingSecret) {
    public boolean created() {
      return signingSecret != null;
    }
  }

  /** Creates the connector (with a new secret) or replaces its URL (keeping the secret). */
  public Written put(ApiToken caller, String url) {
    caller.requireAdmin();
    String checked = Webhooks.checkedUrl(url);
    urls.requireAllowed(checked);
    Optional<CrmConnector> before = connectors.find(caller.tenantId());
    Instant now = clock.instant();
    if (before.isPresent()) {
      CrmConnector replaced = before.get().withSettings(checked, now);
      connectors.put(replaced);
      return new Written(replaced, null);
    }
    String secret = WebhookSecrets.newSecret();
    CrmConnector created = new CrmConnector(caller.tenantId(), checked, secret, null, now, now);
    connectors.put(created);
    return new Written(created, secret);
  }

  public CrmConnector get(ApiToken caller) {
    caller.requireAdmin();
    return connectors
        .find(caller.tenantId())
        .orElseThrow(() -> new NotFoundException("connector", "crm"));
  }

  /** Removes the connector: nothing is pushed from then on (pushes on their way still go). */
  public void delete(ApiToken caller) {
    caller.requireAdmin();
    if (!connectors.delete(caller.tenantId())) {
      throw new NotFoundException("connector", "crm");
    }
  }
}
