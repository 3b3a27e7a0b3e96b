package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleTriggerTest {

  @Test
  void ratesAreReadInEveryUnitEventBridgeAllows() {
    assertThat(ScheduleTrigger.rate("rate(1 minute)")).hasValue(Duration.ofMinutes(1));
    assertThat(ScheduleTrigger.rate("rate(5 minutes)")).hasValue(Duration.ofMinutes(5));
    assertThat(ScheduleTrigger.rate("rate(1 hour)")).hasValue(Duration.ofHours(1));
    assertThat(ScheduleTrigger.rate("rate(12 hours)")).hasValue(Duration.ofHours(12));
    assertThat(ScheduleTrigger.rate("rate(1 day)")).hasValue(Duration.ofDays(1));
    assertThat(ScheduleTrigger.rate("rate(7 days)")).hasValue(Duration.ofDays(7));
  }

  @Test
  void cronExpressionsHaveNoLocalRate() {
    assertThat(ScheduleTrigger.rate("cron(0 12 * * ? *)")).isEmpty();
  }

  @Test
  void onlyEnabledScheduleEventsBecomeMappings() {
    Map<String, Object> events = new LinkedHashMap<>();
    events.put(
        "Every5", Map.of("Type", "Schedule", "Properties", Map.of("Schedule", "rate(5 minutes)")));
    events.put(
        "Noon",
        Map.of(
            "Type",
            "Schedule",
            "Properties",
            Map.of("Schedule", "cron(0 12 * * ? *)", "Input", "{\"job\":\"noon\"}")));
    events.put(
        "Off",
        Map.of(
            "Type", "Schedule", "Properties", Map.of("Schedule", "rate(1 day)", "Enabled", false)));
    events.put("Queue", Map.of("Type", "SQS", "Properties", Map.of("Queue", "arn")));

    List<ScheduleTrigger.Mapping> mappings = ScheduleTrigger.mappings(events, String::valueOf);

    assertThat(mappings)
        .containsExactly(
            new ScheduleTrigger.Mapping(
                "Every5", "rate(5 minutes)", Optional.of(Duration.ofMinutes(5)), Optional.empty()),
            new ScheduleTrigger.Mapping(
                "Noon", "cron(0 12 * * ? *)", Optional.empty(), Optional.of("{\"job\":\"noon\"}")));
  }
}
