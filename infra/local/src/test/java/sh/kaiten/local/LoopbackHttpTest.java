package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class LoopbackHttpTest {
  @Test
  void serversAreMadeWithNaglesAlgorithmOff() throws Exception {
    var server = LoopbackHttp.create(0, 0, Executors.newSingleThreadExecutor());
    try {
      assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
      assertThat(LoopbackHttp.noDelay()).isTrue();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void functionJvmsRunWithNaglesAlgorithmOff() {
    assertThat(
            LocalFunction.jvmCommand(
                512,
                LocalFunction.Jit.TIERED,
                "code",
                Optional.of(Path.of("jni.so")),
                "Handler::handle"))
        .contains("-Dsun.net.httpserver.nodelay=true")
        .endsWith("com.amazonaws.services.lambda.runtime.api.client.AWSLambda", "Handler::handle");
  }
}
