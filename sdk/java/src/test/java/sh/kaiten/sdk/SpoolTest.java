package sh.kaiten.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reports kept in a spool directory outlive their process and are delivered once by the next. */
class SpoolTest {
  @TempDir Path spool;
  private final FakeKaiten fake = new FakeKaiten();
  private final RecordingListener heard = new RecordingListener();
  private final List<KaitenClient> clients = new ArrayList<>();
  private Process child;

  SpoolTest() throws IOException {}

  @AfterEach
  void stop() {
    if (child != null) {
      child.destroyForcibly();
    }
    clients.forEach(KaitenClient::close);
    fake.close();
  }

  private KaitenClient.Builder builder() {
    return KaitenClient.builder()
        .baseUrl(fake.url())
        .token("ksh_test")
        .instance("acme-prod")
        .spoolDirectory(spool)
        .flushInterval(Duration.ofHours(1))
        .listener(heard);
  }

  private KaitenClient client(KaitenClient.Builder builder) {
    KaitenClient client = builder.build();
    clients.add(client);
    return client;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(spool)) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".spool"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static String prefix(String key) {
    return key.substring(0, key.lastIndexOf('.'));
  }

  @Test
  @Timeout(60)
  void reportsOfAKilledProcessAreDeliveredOnceByTheNextWithTheirKeys() throws Exception {
    int count = 50;
    Path errors = spool.resolveSibling(spool.getFileName() + "-child.log");
    child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SpoolChild.class.getName(),
                fake.url(),
                spool.toString(),
                String.valueOf(count))
            .redirectError(errors.toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String said = out.readLine();
    assertThat(said)
        .as("the child said (stderr: %s)", Files.exists(errors) ? Files.readString(errors) : "")
        .isEqualTo("QUEUED " + count);
    // While the child lives, its spool is its own.
    assertThatThrownBy(() -> client(builder()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("the Kaiten client could not start")
        .hasRootCauseMessage(
            "the spool directory "
                + spool
                + " is in use by another Kaiten client (another process"
                + " holds "
                + spool.resolve("kaiten.lock")
                + "); give each client its own spool directory");

    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fake.requests()).isEmpty();

    KaitenClient next = client(builder());
    assertThat(next.queued()).isEqualTo(count);
    // Counted against the limit as soon as they are restored, before any delivery.
    assertThat(next.check("api-calls", 0).currentUsage()).isEqualTo(count * (count + 1) / 2.0);
    next.report("api-calls", 1000);
    assertThat(next.flush(Duration.ofSeconds(10))).isTrue();

    List<JsonNode> delivered = fake.deliveredEvents();
    assertThat(delivered).hasSize(count + 1);
    List<JsonNode> restored = delivered.subList(0, count);
    assertThat(restored)
        .extracting(event -> event.path("value").asLong())
        .containsExactlyElementsOf(
            LongStream.rangeClosed(1, count).boxed().collect(Collectors.toList()));
    assertThat(restored)
        .allSatisfy(
            event ->
                assertThat(event.path("timestamp").asText())
                    .isEqualTo(SpoolChild.MADE_AT.toString()));
    List<String> keys =
        restored.stream()
            .map(event -> event.path("idempotency_key").asText())
            .collect(Collectors.toList());
    assertThat(keys).doesNotHaveDuplicates();
    assertThat(keys.stream().map(SpoolTest::prefix).distinct())
        .hasSize(1)
        .doesNotContain(prefix(delivered.get(count).path("idempotency_key").asText()));
    assertThat(fake.usage()).isEqualByComparingTo(String.valueOf(count * (count + 1) / 2 + 1000));

    next.close();
    assertThat(segments()).isEmpty();
    KaitenClient third = client(builder());
    assertThat(third.queued()).isZero();
  }

  @Test
  void aTornLastLineIsSkippedAndTheWholeOnesDelivered() throws Exception {
    List<QueuedReport> written = new ArrayList<>();
    try (Spool left = Spool.open(spool, 1 << 20, () -> {})) {
      for (int i = 1; i <= 3; i++) {
        QueuedReport report =
            new QueuedReport(
                "earlier-run." + i, 1_796_000_000_000L + i, "api-calls", BigDecimal.valueOf(i));
        assertThat(left.append(report)).isTrue();
        written.add(report);
      }
    }
    // The process died writing a fourth line: half of it reached the file.
    Path segment = segments().get(0);
    byte[] fourth =
        Spool.line(
            new QueuedReport("earlier-run.4", 1_796_000_000_004L, "api-calls", BigDecimal.TEN));
    QueuedReport last = written.get(2);
    try (var channel = Files.newByteChannel(segment, StandardOpenOption.WRITE)) {
      channel.position(last.offset + last.length);
      channel.write(java.nio.ByteBuffer.wrap(fourth, 0, fourth.length / 2));
    }

    KaitenClient client = client(builder());
    assertThat(client.queued()).isEqualTo(3);
    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(fake.deliveredEvents())
        .extracting(event -> event.path("idempotency_key").asText())
        .containsExactly("earlier-run.1", "earlier-run.2", "earlier-run.3");
    assertThat(fake.deliveredEvents())
        .extracting(event -> event.path("timestamp").asText())
        .containsExactly(
            "2026-11-30T00:53:20.001Z", "2026-11-30T00:53:20.002Z", "2026-11-30T00:53:20.003Z");
    assertThat(fake.usage()).isEqualByComparingTo("6");
  }

  @Test
  void aPartlyDeliveredSpoolSendsOnlyWhatWasNotAnswered() throws Exception {
    try (Spool left = Spool.open(spool, 1 << 20, () -> {})) {
      List<QueuedReport> written = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        QueuedReport report =
            new QueuedReport("earlier-run." + i, 1_796_000_000_000L, "api-calls", BigDecimal.ONE);
        left.append(report);
        written.add(report);
      }
      // Answered: the first two, and the fourth (answers may settle past a gap).
      left.settled(written.get(0));
      left.settled(written.get(1));
      left.settled(written.get(3));
      left.commit();
    }

    KaitenClient client = client(builder());
    assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

    // Past the gap the fourth goes again: its key makes that harmless.
    assertThat(fake.deliveredEvents())
        .extracting(event -> event.path("idempotency_key").asText())
        .containsExactly("earlier-run.3", "earlier-run.4");
  }

  @Test
  void aSecondClientOnAHeldSpoolFailsToStartClearly() {
    client(builder());

    assertThatThrownBy(() -> client(builder()))
        .isInstanceOf(UncheckedIOException.class)
        .cause()
        .hasMessage(
            "the spool directory "
                + spool
                + " is in use by another Kaiten client in this process"
                + " (it holds "
                + spool.resolve("kaiten.lock")
                + "); give each client its own spool directory");
  }

  @Test
  void aFullSpoolIsToldOnceAndEveryReportIsStillDelivered() throws Exception {
    // The server refuses until the spool's size is checked: a delivery in between (a slow machine
    // passing a short Retry-After) would settle and rotate segments under the assertion.
    fake.failNext(1000, 503, "1");
    KaitenClient client = client(builder().maxSpoolBytes(8192));
    for (int i = 0; i < 500; i++) {
      client.report("api-calls", 1);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> heard.spoolFull.size() == 1);
    assertThat(heard.spoolFull.get(0)).isBetween(100L, 500L);
    assertThat(segments()).hasSize(2);
    fake.recover();
    assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

    assertThat(heard.spoolFull).hasSize(1);
    assertThat(fake.deliveredEvents()).hasSize(500);
    assertThat(
            fake.deliveredEvents().stream()
                .map(event -> event.path("idempotency_key").asText())
                .distinct())
        .hasSize(500);
    assertThat(fake.usage()).isEqualByComparingTo("500");
    client.close();
    assertThat(segments()).isEmpty();
  }

  @Test
  void reportsUndeliveredAtCloseStayForTheNextClient() throws Exception {
    fake.failNext(1000, 503, "60");
    KaitenClient first = client(builder());
    first.report("api-calls", 2);
    first.report("api-calls", 3);
    first.close();
    assertThat(segments()).hasSize(1);
    List<String> keys = fake.requests().get(0).keys();

    fake.recover();
    KaitenClient next = client(builder());
    assertThat(next.flush(Duration.ofSeconds(5))).isTrue();

    assertThat(fake.deliveredEvents())
        .extracting(event -> event.path("idempotency_key").asText())
        .containsExactlyElementsOf(keys);
    assertThat(fake.usage()).isEqualByComparingTo("5");
  }
}
