package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Runtime API as a function's runtime client sees it, and the lines kaiten-local notes. */
class RuntimeApiTest {
  private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";

  @Test
  void anEventTakenAndAnsweredIsNotedWithItsDuration() throws Exception {
    List<String> notes = new CopyOnWriteArrayList<>();
    HttpClient client = HttpClient.newHttpClient();
    try (Invocations invocations = new Invocations(notes::add);
        RuntimeApi api = new RuntimeApi(ARN, "environment 3", invocations, notes::add)) {
      Invocation invocation = invocations.submit("{\"n\":1}", Duration.ofSeconds(30), () -> true);
      String base = "http://" + api.address() + "/2018-06-01/runtime/invocation/";

      HttpResponse<String> next =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "next")).build(),
              HttpResponse.BodyHandlers.ofString());
      String requestId = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
      assertThat(next.body()).isEqualTo("{\"n\":1}");
      assertThat(requestId).isEqualTo(invocation.requestId());
      assertThat(api.held()).isEqualTo(1);

      HttpResponse<String> posted =
          client.send(
              HttpRequest.newBuilder(URI.create(base + requestId + "/response"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"ok\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(posted.statusCode()).isEqualTo(202);
      assertThat(invocation.result()).isCompletedWithValue("{\"ok\":true}");
      assertThat(api.held()).isZero();
      // the handover is noted once the event has gone out: it may come a moment after
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(notes)
                      .contains(
                          "[kaiten-local] invocation "
                              + requestId
                              + " handed to the function (environment 3)")
                      .anySatisfy(
                          line ->
                              assertThat(line)
                                  .matches(
                                      "\\[kaiten-local\\] REPORT RequestId: "
                                          + requestId
                                          + " Duration: \\d+\\.\\d\\d ms \\(environment 3\\)")));
    }
  }

  @Test
  void anAnswerForNoHeldEventIsRefusedAndNotNoted() throws Exception {
    List<String> notes = new CopyOnWriteArrayList<>();
    try (Invocations invocations = new Invocations(notes::add);
        RuntimeApi api = new RuntimeApi(ARN, "environment 1", invocations, notes::add)) {
      HttpResponse<String> posted =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://"
                                  + api.address()
                                  + "/2018-06-01/runtime/invocation/nobody/response"))
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(posted.statusCode()).isEqualTo(400);
      assertThat(notes).noneMatch(line -> line.contains("REPORT"));
    }
  }

  @Test
  void anEventTakenAndNotAnsweredInTimeIsNotedAsTimedOut() throws Exception {
    List<String> notes = new CopyOnWriteArrayList<>();
    try (Invocations invocations = new Invocations(notes::add);
        RuntimeApi api = new RuntimeApi(ARN, "environment 2", invocations, notes::add)) {
      Invocation invocation = invocations.submit("{}", Duration.ofSeconds(1), () -> true);
      HttpResponse<String> next =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://" + api.address() + "/2018-06-01/runtime/invocation/next"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(next.statusCode()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(notes)
                      .contains(
                          "[kaiten-local] invocation "
                              + invocation.requestId()
                              + " timed out (environment 2): the function did not answer within 1 s"));
      assertThat(invocation.result()).isCompletedExceptionally();
      assertThat(api.held()).isZero();
    }
  }
}
