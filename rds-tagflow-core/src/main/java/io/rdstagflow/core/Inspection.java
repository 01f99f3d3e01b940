package io.rdstagflow.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operator sees of an instance: its status, the operation its tags record, and, when the
 * tags cannot be understood, what is wrong with them.
 *
 * @param instance  the instance as described
 * @param operation the decoded operation, empty when there is none or the tags are not understood
 * @param problem   what is wrong with the tags, naming the tag, if they are not understood
 * @param flowTags  the raw tags under the engine's prefix
 */
public record Inspection(
    RdsInstance instance, Optional<PendingOperation> operation, Optional<String> problem, Map<String, String> flowTags) {

  /** @throws NullPointerException if an argument is {@code null} */
  public Inspection {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(problem, "problem");
    flowTags = Map.copyOf(flowTags);
  }
}
