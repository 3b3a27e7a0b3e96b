package sh.kaiten.domain.catalog;

import java.util.List;

/** One page of a list, in key order; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {}
