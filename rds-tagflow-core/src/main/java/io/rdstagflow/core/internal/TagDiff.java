package io.rdstagflow.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one write must change so that an instance's library tags read as {@code wanted}: the tags to
 * add or overwrite, and the library keys to remove. Keys stamped with a <em>newer</em> operation are
 * never touched (the newer operation owns them); user keys are never seen here.
 *
 * @param add    tags whose value differs or that are missing
 * @param remove library keys present but not wanted
 */
record TagDiff(Map<String, String> add, List<String> remove) {

  static TagDiff between(Map<String, String> ownTags, Map<String, String> wanted, String operationId) {
    Map<String, String> add = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      String now = ownTags.get(e.getKey());
      if (!e.getValue().equals(now) && !isNewer(now, operationId)) {
        add.put(e.getKey(), e.getValue());
      }
    }
    List<String> remove = new ArrayList<>();
    for (Map.Entry<String, String> e : ownTags.entrySet()) {
      if (!wanted.containsKey(e.getKey()) && !isNewer(e.getValue(), operationId)) {
        remove.add(e.getKey());
      }
    }
    return new TagDiff(add, remove);
  }

  private static boolean isNewer(String value, String operationId) {
    if (value == null || operationId == null) {
      return false;
    }
    String stamp = TagCodec.stampOf(value);
    return stamp != null && OperationIds.compare(stamp, operationId) > 0;
  }

  boolean isEmpty() {
    return add.isEmpty() && remove.isEmpty();
  }
}
