package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * Reads a list to its end as a client does, page after page of {@code limit}, each page held to it.
 */
public final class PageWalk {
  private PageWalk() {}

  public static <T> List<T> all(Function<PageRequest, Page<T>> read, int limit) {
    List<T> all = new ArrayList<>();
    String cursor = null;
    do {
      Page<T> page = read.apply(new PageRequest(cursor, limit));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }
}
