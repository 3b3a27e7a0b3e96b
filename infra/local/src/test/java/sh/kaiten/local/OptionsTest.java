package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void jvmFunctionsCompileC1OnlyAsOnLambdaUnlessAskedForTiered() {
    assertThat(Options.parse(new String[] {"--in-memory"}).jit()).isEqualTo(LocalFunction.Jit.C1);
    assertThat(Options.parse(new String[] {"--jit", "c1"}).jit()).isEqualTo(LocalFunction.Jit.C1);
    assertThat(Options.parse(new String[] {"--jit", "C1", "--jit", "tiered"}).jit())
        .isEqualTo(LocalFunction.Jit.TIERED);
  }

  @Test
  void anUnknownCompilerIsRefusedWithTheUsage() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--jit", "c2"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--jit takes tiered or c1, not c2\n")
        .hasMessageContaining("--jit c1|tiered");
    assertThatThrownBy(() -> Options.parse(new String[] {"--jit"}))
        .hasMessageStartingWith("--jit needs a value\n");
  }

  @Test
  void anEnvironmentTakesOneRequestAtATimeUnlessAskedForMore() {
    assertThat(Options.parse(new String[] {"--in-memory"}).environmentConcurrency()).isEqualTo(1);
    assertThat(
            Options.parse(new String[] {"--environment-concurrency", "8"}).environmentConcurrency())
        .isEqualTo(8);
    assertThatThrownBy(() -> Options.parse(new String[] {"--environment-concurrency", "0"}))
        .hasMessageStartingWith("--environment-concurrency takes 1 to 64, not 0\n");
    assertThatThrownBy(() -> Options.parse(new String[] {"--concurrency", "65"}))
        .hasMessageStartingWith("--concurrency takes 1 to 64, not 65\n");
  }
}
