package sh.kaiten.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.admin.AdminStores;
import sh.kaiten.domain.admin.LicenseDraft;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.testing.EventsQueue;
import sh.kaiten.testing.FailingWrites;
import sh.kaiten.testing.LocalAwsResource;
import sh.kaiten.testing.OutboxStream;
import sh.kaiten.testing.ProductPage;
import sh.kaiten.testing.SampleEvents;

/** The handler driven with the sample scheduled event, against DynamoDB Local and ElasticMQ. */
@QuarkusTest
@QuarkusTestResource(
    value = LocalAwsResource.class,
    initArgs = @ResourceArg(name = "function", value = "SchedulerFunction"))
class LifecycleHandlerTest {
  private static final String TICK = "scheduler/scheduled-event.json";

  @Inject AdminStores catalog;
  @Inject TokenStore tokens;
  @Inject FailingWrites failing;
  @Inject TestClock clock;

  /**
   * The tests of this module share one DynamoDB Local: counters other classes wrote (the CRM
   * push's, this month's) would close in the first tick a test makes in 2032, among its own events.
   * A tick in 2033, before this test seeds anything, closes them and fires whatever else is left.
   */
  @BeforeEach
  void settleWhatOtherTestsLeft() {
    clock.set(Instant.parse("2033-01-01T00:00:00Z"));
    await().atMost(Duration.ofSeconds(60)).until(() -> tick().get("fired").isEmpty());
    clock.reset();
  }

  @AfterEach
  void reset() {
    failing.disarm();
    clock.reset();
  }

  @Test
  void eachLicenseMomentIsAnnouncedOnceWhenItFallsDue() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    String customer =
        page.admin().licenses().license(page.adminToken(), page.licenseId()).customerId();
    Instant ends = Instant.now().plusSeconds(2);
    License trial =
        page.admin()
            .licenses()
            .createLicense(
                page.adminToken(),
                new LicenseDraft(customer, "pro", LicenseStatus.TRIAL, null, ends, ends, null));

    tick();
    List<JsonNode> first = EventsQueue.take(tenant);
    assertThat(first).extracting(e -> e.get("type").asText()).containsExactly("trial.ending_soon");
    assertThat(first.get(0).get("data").get("license_id").asText()).isEqualTo(trial.id());

    List<String> later = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              tick();
              EventsQueue.take(tenant).forEach(e -> later.add(e.get("type").asText()));
              return later.size() >= 2;
            });
    assertThat(later).containsExactlyInAnyOrder("trial.expired", "license.expired");

    tick();
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  @Test
  void aTickWithNothingDueFiresNothing() {
    JsonNode summary = tick();

    assertThat(summary.get("failures")).isEmpty();
  }

  /**
   * Issue 14: the scheduler published each license moment after marking its timer, so a crash or a
   * queue outage between the two held the event back. Now the timer is marked fired in one
   * transaction with the event's outbox item: the tick succeeds while the events queue is down, and
   * each event goes out once, with the id the timer holds, when the queue is back. The days are in
   * 2032, so only this test's timers are due.
   */
  @Test
  void
      aTrialExpiryIsMarkedWithItsEventInTheOutboxAndGoesOutOnceWithThatIdWhenTheEventsQueueIsBack() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    Instant ends = Instant.parse("2032-05-10T12:00:00Z");
    License trial = trial(page, ends);
    OutboxStream.failNextSendOf(tenant);

    clock.set(ends);
    JsonNode summary = tick();

    assertThat(summary.get("failures")).isEmpty();
    Map<String, String> marked = timerEvents(trial.id());
    assertThat(marked).containsOnlyKeys("TRIAL_ENDING_SOON", "TRIAL_EXPIRED");
    assertThat(summary.get("fired"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "trial.ending_soon " + marked.get("TRIAL_ENDING_SOON"),
            "trial.expired " + marked.get("TRIAL_EXPIRED"));
    assertThat(OutboxStream.publish()).isFalse();
    List<JsonNode> published = EventsQueue.take(tenant);
    assertThat(published)
        .extracting(e -> e.get("id").asText())
        .containsExactly(marked.get("TRIAL_ENDING_SOON"), marked.get("TRIAL_EXPIRED"));
    assertThat(published.get(1).get("type").asText()).isEqualTo("trial.expired");
    assertThat(published.get(1).get("data").get("license_id").asText()).isEqualTo(trial.id());

    assertThat(tick().get("fired")).isEmpty();
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  /**
   * A trial expiry whose outbox item cannot be written leaves its timer due: the next tick fires
   * it, once.
   */
  @Test
  void aTrialExpiryWhoseEventCannotBeWrittenStaysDueAndTheNextTickFiresItOnce() {
    ProductPage page = ProductPage.seed(catalog);
    String tenant = page.adminToken().tenantId();
    Instant ends = Instant.parse("2032-06-10T12:00:00Z");
    License trial = trial(page, ends);
    clock.set(ends.minus(Duration.ofDays(3)));
    assertThat(tick().get("fired")).hasSize(1);
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("type").asText())
        .containsExactly("trial.ending_soon");
    failing.failNextWriteTo(LocalAwsResource.localAws().resources().ref("OutboxTable"));

    clock.set(ends);
    JsonNode failed = tick();

    assertThat(failed.get("fired")).isEmpty();
    assertThat(failed.get("failures"))
        .singleElement()
        .extracting(JsonNode::asText)
        .asString()
        .startsWith("TRIAL_EXPIRED of license " + trial.id() + " (tenant " + tenant + "): ");
    assertThat(timerEvents(trial.id())).containsOnlyKeys("TRIAL_ENDING_SOON");
    assertThat(EventsQueue.take(tenant)).isEmpty();

    JsonNode retried = tick();
    String expired = timerEvents(trial.id()).get("TRIAL_EXPIRED");
    assertThat(retried.get("fired"))
        .extracting(JsonNode::asText)
        .containsExactly("trial.expired " + expired);
    assertThat(EventsQueue.take(tenant))
        .extracting(e -> e.get("id").asText())
        .containsExactly(expired);
    assertThat(tick().get("fired")).isEmpty();
    assertThat(EventsQueue.take(tenant)).isEmpty();
  }

  private License trial(ProductPage page, Instant ends) {
    String customer =
        page.admin().licenses().license(page.adminToken(), page.licenseId()).customerId();
    return page.admin()
        .licenses()
        .createLicense(
            page.adminToken(),
            new LicenseDraft(customer, "pro", LicenseStatus.TRIAL, null, ends, null, null));
  }

  /**
   * The event id each fired timer of the license holds, by moment; timers not fired are left out.
   */
  private static Map<String, String> timerEvents(String licenseId) {
    var aws = LocalAwsResource.localAws();
    Map<String, String> fired = new java.util.TreeMap<>();
    aws
        .dynamo()
        .scanPaginator(r -> r.tableName(aws.resources().ref("CatalogTable")).consistentRead(true))
        .items()
        .stream()
        .filter(
            item ->
                item.get("pk").s().startsWith("TIMERS#")
                    && licenseId.equals(item.get("license_id").s()))
        .filter(item -> item.get("done").bool() && item.containsKey("event_id"))
        .forEach(item -> fired.put(item.get("moment").s(), item.get("event_id").s()));
    return fired;
  }

  private static JsonNode tick() {
    return given()
        .body(SampleEvents.read(TICK, Map.of()))
        .when()
        .post("/_lambda_")
        .then()
        .statusCode(200)
        .extract()
        .as(JsonNode.class);
  }
}
