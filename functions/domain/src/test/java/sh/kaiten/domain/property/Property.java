package sh.kaiten.domain.property;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A tiny property runner: checks a property on many generated cases and, on a failure, shrinks the
 * case and names the seed. Every run draws a fresh seed; {@code -Dkaiten.property.seed=<seed>}
 * replays a reported one.
 */
public final class Property {

  /** How many cases each property checks. */
  public static final int TRIES = 1_000;

  private Property() {}

  /** Checks {@code check} (which throws an {@link AssertionError} on failure) on {@link #TRIES} cases. */
  public static <T> void forAll(Gen<T> gen, Consumer<T> check) {
    forAll(gen, value -> List.of(), check);
  }

  /**
   * As {@link #forAll(Gen, Consumer)}, and on a failure tries the smaller cases {@code shrink} offers
   * (repeatedly, keeping any that still fails) so that the report shows a small counterexample.
   */
  public static <T> void forAll(Gen<T> gen, Function<T, List<T>> shrink, Consumer<T> check) {
    long seed = seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int attempt = 1; attempt <= TRIES; attempt++) {
      T value = gen.next(random);
      AssertionError failure = failure(check, value);
      if (failure != null) {
        T smallest = shrunk(value, shrink, check);
        throw new AssertionError(
            "property failed on case " + attempt + " of seed " + seed + " (replay with -Dkaiten.property.seed=" + seed
                + ")\n  smallest case: " + smallest + "\n  original case: " + value + "\n  failure: "
                + failure(check, smallest).getMessage(),
            failure);
      }
    }
  }

  /** The list without one of its elements, for each element: the usual shrink of a list. */
  public static <E> List<List<E>> withoutOneElement(List<E> list) {
    return IntStream.range(0, list.size())
        .mapToObj(i -> {
          List<E> smaller = new ArrayList<>(list);
          smaller.remove(i);
          return smaller;
        })
        .toList();
  }

  private static long seed() {
    String fixed = System.getProperty("kaiten.property.seed");
    return fixed == null || fixed.isBlank() ? new SplittableRandom().nextLong() : Long.parseLong(fixed.trim());
  }

  private static <T> T shrunk(T value, Function<T, List<T>> shrink, Consumer<T> check) {
    T smallest = value;
    boolean smaller = true;
    while (smaller) {
      smaller = false;
      for (T candidate : shrink.apply(smallest)) {
        if (failure(check, candidate) != null) {
          smallest = candidate;
          smaller = true;
          break;
        }
      }
    }
    return smallest;
  }

  private static <T> AssertionError failure(Consumer<T> check, T value) {
    try {
      check.accept(value);
      return null;
    } catch (AssertionError e) {
      return e;
    } catch (RuntimeException e) {
      return new AssertionError("threw " + e, e);
    }
  }
}
