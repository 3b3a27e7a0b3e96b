package sh.kaiten.benchmarks.usage;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Optional;
import sh.kaiten.domain.catalog.Metering;

/**
 * The entitlement setting for sharded counters, found by reflection: sharded counters are being
 * built on main, and this benchmark must compile and run before and after they land. The setting
 * is taken to be a {@link Metering} component named {@code shards} holding an int.
 */
final class ShardSetting {
  static final String NAME = "shards";

  private ShardSetting() {}

  /** {@code base} spread over {@code shards} counters, or empty while Metering has no such setting. */
  static Optional<Metering> apply(Metering base, int shards) {
    RecordComponent[] components = Metering.class.getRecordComponents();
    if (Arrays.stream(components).noneMatch(component -> component.getName().equals(NAME))) {
      return Optional.empty();
    }
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        values[i] = components[i].getName().equals(NAME) ? shards : components[i].getAccessor().invoke(base);
      }
      return Optional.of(Metering.class.getDeclaredConstructor(types).newInstance(values));
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalStateException("Metering." + NAME + " exists but is not an int: update ShardSetting", e);
    }
  }
}
