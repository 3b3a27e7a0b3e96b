package sh.kaiten.domain.memory;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Pages of a list in memory as DynamoDB's queries page them: by key, from after the cursor (the
 * last key given).
 */
final class InMemoryPages {
  private InMemoryPages() {}

  /**
   * @param key the sort key of an item, unique in the list
   * @param ascending oldest (smallest key) first; else newest first
   */
  static <T> Page<T> page(
      List<T> items, Function<T, String> key, boolean ascending, PageRequest page) {
    Comparator<String> order = ascending ? Comparator.naturalOrder() : Comparator.reverseOrder();
    List<T> after =
        items.stream()
            .filter(
                item -> page.cursor() == null || order.compare(key.apply(item), page.cursor()) > 0)
            .sorted(Comparator.comparing(key, order))
            .toList();
    List<T> taken = after.subList(0, Math.min(page.limit(), after.size()));
    return new Page<>(
        taken, after.size() > taken.size() ? key.apply(taken.get(taken.size() - 1)) : null);
  }
}
