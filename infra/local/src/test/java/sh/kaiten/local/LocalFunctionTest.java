package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalFunctionTest {
  private static final String AWS_LAMBDA =
      "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /** The flag comes after JAVA_TOOL_OPTIONS (which the JVM reads first), so it decides. */
  @Test
  void theChosenCompilersAreOnTheFunctionsCommandLine() {
    assertThat(
            LocalFunction.jvmCommand(
                1024, LocalFunction.Jit.TIERED, "code", Optional.empty(), "Handler::handle"))
        .contains("-XX:TieredStopAtLevel=4", "-XX:MaxRAM=1024m", "-Xmx768m", "-XX:+UseSerialGC")
        .doesNotContain("-XX:TieredStopAtLevel=1")
        .endsWith(AWS_LAMBDA, "Handler::handle");
    assertThat(
            LocalFunction.jvmCommand(
                1024,
                LocalFunction.Jit.C1,
                "code",
                Optional.of(Path.of("jni.so")),
                "Handler::handle"))
        .contains(
            "-XX:TieredStopAtLevel=1",
            "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=jni.so")
        .doesNotContain("-XX:TieredStopAtLevel=4")
        .endsWith(AWS_LAMBDA, "Handler::handle");
  }
}
