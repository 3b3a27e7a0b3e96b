package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Check tallies sent with the usage batches: counts per entitlement, minute, decision and reason.
 */
class CheckTalliesDeliveryTest {
  private final FakeKaiten fake = new FakeKaiten();
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T01:02:10Z"));
  private KaitenClient client;

  CheckTalliesDeliveryTest() throws IOException {}

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    fake.close();
  }

  private KaitenClient client(Duration flushInterval) {
    client =
        KaitenClient.builder()
            .baseUrl(fake.url())
            .token("ksh_test")
            .instance("acme-prod")
            .flushInterval(flushInterval)
            .clock(clock)
            .build();
    return client;
  }

  /** A tally as the request carries it: {@code entitlement minute allowed reason count}. */
  private static List<String> tallies(JsonNode checks) {
    List<String> tallies = new ArrayList<>();
    checks
        .path("tallies")
        .forEach(
            tally ->
                tallies.add(
                    tally.path("entitlement").asText()
                        + " "
                        + tally.path("minute").asText()
                        + " "
                        + tally.path("allowed").asBoolean()
                        + " "
                        + tally.path("reason").asText()
                        + " "
                        + tally.path("count").asLong()));
    return tallies;
  }

  @Test
  void flushSendsTheChecksOfTheRunningMinuteWithExactCounts() {
    client(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(client.check("api-calls", 1).allowed()).isTrue();
    }
    assertThat(client.isEnabled("sso")).isTrue();
    assertThat(client.isEnabled("sso")).isTrue();
    assertThat(client.isEnabled("reports-export")).isFalse();

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(fake.requests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.events()).isEmpty();
              assertThat(request.checks().path("id").asText()).matches("[A-Za-z0-9._:-]{1,128}");
              assertThat(tallies(request.checks()))
                  .containsExactlyInAnyOrder(
                      "api-calls 2026-12-04T01:02:00Z true GRANTED 3",
                      "sso 2026-12-04T01:02:00Z true GRANTED 2",
                      "reports-export 2026-12-04T01:02:00Z false UNKNOWN_ENTITLEMENT 1");
            });
  }

  @Test
  void finishedMinutesLeaveUnaskedAndTheRunningOneWaits() {
    client(Duration.ofMillis(100));
    client.check("api-calls", 1);
    client.check("api-calls", 1);
    clock.set(Instant.parse("2026-12-04T01:03:05Z"));
    client.check("api-calls", 1);

    await().atMost(Duration.ofSeconds(3)).until(() -> fake.requests().size() == 1);
    assertThat(tallies(fake.requests().get(0).checks()))
        .containsExactly("api-calls 2026-12-04T01:02:00Z true GRANTED 2");

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(fake.requests()).hasSize(2);
    assertThat(tallies(fake.requests().get(1).checks()))
        .containsExactly("api-calls 2026-12-04T01:03:00Z true GRANTED 1");
  }

  @Test
  void aRetriedRequestCarriesTheSameChecksId() {
    client(Duration.ofHours(1));
    fake.failNext(1, 503, null);
    client.check("api-calls", 1);
    client.report("api-calls", 1);

    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests).extracting(request -> request.status).containsExactly(503, 200);
    assertThat(requests.get(1).checks()).isEqualTo(requests.get(0).checks());
    assertThat(tallies(requests.get(1).checks()))
        .containsExactly("api-calls 2026-12-04T01:02:00Z true GRANTED 1");
  }

  @Test
  void atMostAThousandTalliesGoInOneRequestAndTheRestInTheNext() {
    client(Duration.ofHours(1));
    for (int i = 0; i < 1001; i++) {
      client.isEnabled("feature-" + i);
    }

    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    List<FakeKaiten.Request> requests = fake.requests();
    assertThat(requests)
        .extracting(request -> request.checks().path("tallies").size())
        .containsExactly(1000, 1);
    assertThat(requests.get(0).checks().path("id").asText())
        .isNotEqualTo(requests.get(1).checks().path("id").asText());
  }
}
