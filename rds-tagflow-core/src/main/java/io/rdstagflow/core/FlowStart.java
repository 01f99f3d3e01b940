package io.rdstagflow.core;

import io.rdstagflow.core.internal.TagRules;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tags that begin a flow on an instance that does not exist yet, to be passed in the
 * create or restore request itself so that instance and state are born together, and the token the
 * broker returns as OSB's {@code operation}. Once RDS has accepted the request, tell the engine
 * with {@link TagStateMachine#startAccepted(String, FlowStart)} (the aws module's starter does).
 *
 * @param tags     the flow's tags, in a stable order
 * @param token    the operation's token
 * @param reserved tags the operation may add later (a claim policy's lease), counted against RDS's
 *                 limit of 50 now so that no accepted start fails for room later
 */
public record FlowStart(Map<String, String> tags, OperationToken token, int reserved) {

  /** @throws NullPointerException if an argument is {@code null} */
  public FlowStart {
    tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    Objects.requireNonNull(token, "token");
  }

  /**
   * The broker's own tags for the request with the flow's tags added, checked against RDS's limit
   * of 50 tags (the reserved ones counted).
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
    if (merged.size() + reserved > TagRules.MAX_TAGS) {
      throw new TagLimitException(brokerTags.size(), tags.size() + reserved);
    }
    return merged;
  }
}
