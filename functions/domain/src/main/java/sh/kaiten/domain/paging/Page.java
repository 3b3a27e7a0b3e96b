package sh.kaiten.domain.paging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** One page of a list, in key order; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {

  /** Every item of a list, read page by page at the largest page size. */
  public static <T> List<T> all(Function<PageRequest, Page<T>> read) {
    List<T> all = new ArrayList<>();
    String cursor = null;
    do {
      Page<T> page = read.apply(new PageRequest(cursor, PageRequest.MAX_LIMIT));
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }
}
