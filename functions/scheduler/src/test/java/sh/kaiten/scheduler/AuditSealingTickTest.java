package sh.kaiten.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.audit.AuditDigest;
import sh.kaiten.domain.audit.AuditLog;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.ProductPage;

/** The schedule's tick seals each tenant's finished hours of the audit trail, once, chained. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class AuditSealingTickTest {
  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject AuditLog log;
  @Inject TestClock clock;

  @AfterEach
  void systemTime() {
    clock.reset();
  }

  @Test
  void aTickSealsTheTenantsFinishedHoursOnceEach() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    Instant created = page.adminToken().createdAt().truncatedTo(ChronoUnit.HOURS);
    clock.set(created.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(5)));

    List<String> first = Ticks.of(tenant, Ticks.tick(), "sealed");
    assertThat(first)
        .containsExactly(
            tenant + " " + created + " 1/1",
            tenant + " " + created.plus(Duration.ofHours(1)) + " 1/1");
    assertThat(Ticks.of(tenant, Ticks.tick(), "sealed")).isEmpty();

    List<AuditDigest> digests = log.digests(tenant, created, created.plus(Duration.ofHours(2)));
    assertThat(digests).hasSize(2).allMatch(AuditDigest::intact);
    assertThat(digests.get(0).previousHash()).isEmpty();
    assertThat(digests.get(1).previousHash()).isEqualTo(digests.get(0).hash());
  }
}
