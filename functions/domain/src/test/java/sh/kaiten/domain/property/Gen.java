package sh.kaiten.domain.property;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Draws random values of {@code T} from a seeded source, so that a failing case can be replayed. */
@FunctionalInterface
public interface Gen<T> {

  T next(SplittableRandom random);

  default <R> Gen<R> map(Function<? super T, ? extends R> mapper) {
    return random -> mapper.apply(next(random));
  }

  /** Lists of this generator's values, of a length between {@code minSize} and {@code maxSize}. */
  default Gen<List<T>> list(int minSize, int maxSize) {
    return random -> {
      int size = random.nextInt(minSize, maxSize + 1);
      List<T> values = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        values.add(next(random));
      }
      return values;
    };
  }

  static <T> Gen<T> constant(T value) {
    return random -> value;
  }

  @SafeVarargs
  static <T> Gen<T> of(T... values) {
    return random -> values[random.nextInt(values.length)];
  }

  /** Picks one of {@code gens} at random, each with the same chance. */
  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    return random -> gens[random.nextInt(gens.length)].next(random);
  }
}
