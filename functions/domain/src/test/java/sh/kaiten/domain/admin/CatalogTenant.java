package sh.kaiten.domain.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryJournal;
import sh.kaiten.domain.memory.InMemoryTokens;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;

/**
 * What the tests of the catalog as a file share: a tenant on an in-memory catalog, at a fixed
 * instant, with its admin token, and the plans of its files.
 */
final class CatalogTenant {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  final InMemoryCatalog catalog = new InMemoryCatalog();
  final InMemoryJournal journal = new InMemoryJournal();
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final Administration admin =
      new Administration(
          catalog.adminStores(new InMemoryTokens()),
          journal,
          clock,
          Optional.of("bootstrap-secret-for-tests"),
          Duration.ofDays(3));
  private final WebhookUrlPolicy urls;
  final CatalogPlans plans;
  final ApiToken token;

  /**
   * @param urls the deployment's webhook URL policy
   */
  CatalogTenant(WebhookUrlPolicy urls) {
    this.urls = urls;
    this.plans = plansOn(catalog);
    this.token =
        admin.tenants().bootstrapTenant("bootstrap-secret-for-tests", "Vendor").adminToken();
  }

  /** Plans on this tenant's catalog whose applies write through {@code store}. */
  CatalogPlans plansOn(CatalogChangeStore store) {
    return new CatalogPlans(
        catalog.adminStores(new InMemoryTokens()), store, catalog.webhooks, urls, journal, clock);
  }

  /** Applies {@code file} as planned, and forgets what the apply wrote with itself. */
  void applied(JsonNode file) {
    plans.apply(token, file, plans.plan(token, file).hash());
    catalog.outbox.events.clear();
    catalog.outbox.audit.clear();
  }

  /** The plan of {@code file} is refused as invalid, naming {@code pointer}. */
  void assertRefusedAt(JsonNode file, String pointer) {
    assertThatThrownBy(() -> plans.plan(token, file))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(pointer))
        .hasMessageStartingWith(pointer);
  }

  static JsonNode file(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
