package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** RDS's paging of describes: {@code MaxRecords} 20..100 (default 100) and an opaque marker. */
final class Paging {

  record Page<T>(List<T> items, String marker) {}

  private Paging() {}

  /** The fake's marker is the first identifier of the next page. */
  static <T> Page<T> page(List<T> items, Function<T, String> key, String marker, int max) {
    List<T> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> key.apply(a).compareTo(key.apply(b)));
    int from = 0;
    if (marker != null) {
      while (from < sorted.size() && key.apply(sorted.get(from)).compareTo(marker) < 0) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + max);
    String next = to < sorted.size() ? key.apply(sorted.get(to)) : null;
    return new Page<>(List.copyOf(sorted.subList(from, to)), next);
  }

  /** The page size a request asks for, or {@code InvalidParameterValue}. */
  static int maxRecords(Integer requested, String rid) {
    if (requested == null) {
      return 100;
    }
    if (requested < 20 || requested > 100) {
      throw RdsErrors.error("InvalidParameterValue",
          "Invalid value " + requested + " for MaxRecords. Must be between 20 and 100", rid);
    }
    return requested;
  }
}
