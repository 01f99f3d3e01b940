package io.rdstagflow.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tags that begin a flow on an instance that does not exist yet, to be passed in the
 * create or restore request itself so that instance and state are born together, and the token the
 * broker returns as OSB's {@code operation}.
 *
 * @param tags  the flow's tags, in a stable order
 * @param token the operation's token
 */
public record FlowStart(Map<String, String> tags, OperationToken token) {

  /** @throws NullPointerException if an argument is {@code null} */
  public FlowStart {
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    Objects.requireNonNull(token, "token");
  }

  /**
   * The broker's own tags for the request with the flow's tags added, checked against RDS's limit
   * of 50 tags.
   *
   * @throws TagLimitException if together they exceed 50 tags
   * @throws InvalidFlowParameterException if a broker tag uses a key of the flow's
   */
  public Map<String, String> mergedWith(Map<String, String> brokerTags) {
    Map<String, String> merged = new LinkedHashMap<>(brokerTags);
    for (String key : tags.keySet()) {
      if (merged.containsKey(key)) {
        throw new InvalidFlowParameterException(
            "the request's own tags already use the key " + key + " that the flow needs");
      }
    }
    merged.putAll(tags);
    if (merged.size() > io.rdstagflow.core.internal.TagRules.MAX_TAGS) {
      throw new TagLimitException(brokerTags.size(), tags.size());
    }
    return merged;
  }
}
