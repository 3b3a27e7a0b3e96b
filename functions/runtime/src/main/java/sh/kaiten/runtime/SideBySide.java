package sh.kaiten.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The messages of a queue batch handled side by side, so a slow one does not hold up the others; a
 * message is done when its handling says so, and one that threw is not.
 */
public final class SideBySide {
  private final ExecutorService pool;

  /**
   * @param workers one per message of the largest batch the template asks for
   */
  public SideBySide(String threadName, int workers) {
    this.pool =
        Executors.newFixedThreadPool(
            workers,
            task -> {
              Thread thread = new Thread(task, threadName);
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Handles every item at once and waits for all.
   *
   * @param handle true when the item is done with
   * @param failed told of each item whose handling threw, and why
   * @return the items not done, in their order
   */
  public <T> List<T> unfinished(
      List<T> items, Predicate<T> handle, BiConsumer<T, Throwable> failed) {
    List<Future<Boolean>> results = new ArrayList<>(items.size());
    for (T item : items) {
      results.add(pool.submit(() -> handle.test(item)));
    }
    List<T> unfinished = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      try {
        if (!results.get(i).get()) {
          unfinished.add(items.get(i));
        }
      } catch (ExecutionException e) {
        failed.accept(items.get(i), e.getCause());
        unfinished.add(items.get(i));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unfinished.add(items.get(i));
      }
    }
    return unfinished;
  }
}
