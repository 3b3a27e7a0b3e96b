package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.InvalidInputException;

class MeteringTest {

  private static Metering sharded(Enforcement enforcement, BigDecimal overage, int shards) {
    return new Metering(
        Aggregation.SUM, null, null, null, enforcement, overage, null, null, shards);
  }

  @Test
  void aCounterIsOneItemUnlessShardsAreAskedFor() {
    assertThat(Metering.defaults().shards()).isEqualTo(1);
    assertThat(sharded(Enforcement.SOFT, null, 32).shards()).isEqualTo(32);
  }

  @Test
  void shardsCannotHoldACeiling() {
    assertThatThrownBy(() -> sharded(Enforcement.HARD, null, 2))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("shards");
    assertThatThrownBy(() -> sharded(Enforcement.SOFT, BigDecimal.TEN, 2))
        .isInstanceOf(InvalidInputException.class)
        .extracting("field")
        .isEqualTo("shards");
    assertThat(sharded(Enforcement.HARD, null, 1).shards()).isEqualTo(1);
  }

  @Test
  void shardsAreBounded() {
    for (int shards : new int[] {0, -1, Metering.MAX_SHARDS + 1}) {
      assertThatThrownBy(() -> sharded(Enforcement.SOFT, null, shards))
          .as("%d", shards)
          .isInstanceOf(InvalidInputException.class)
          .extracting("field")
          .isEqualTo("shards");
    }
  }
}
