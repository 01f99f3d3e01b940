package io.rdstagflow.aws.users;

import io.rdstagflow.core.StepContext;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which database users the broker's bindings created on the instance, by name: the users whose
 * passwords the step resets. The broker knows them (for example from its binding ids) and usually
 * keeps them in a flow parameter; {@link #fromParameter(String)} reads one.
 *
 * <p>Implementations must be deterministic for a given context (the step may run again) and
 * thread-safe.
 */
@FunctionalInterface
public interface BoundUsers {

  /**
   * The bound users' names, in the order to reset them; duplicates are ignored. An empty list
   * means there is nothing to reset.
   *
   * @throws RuntimeException if the names cannot be had; the engine classifies it
   */
  List<String> userNames(StepContext context);

  /** These names, whatever the context. */
  static BoundUsers of(List<String> names) {
    List<String> copy = List.copyOf(names);
    return context -> copy;
  }

  /**
   * The names in the flow parameter with this name, separated by white space (tag values allow
   * no commas or semicolons, so space is the separator that survives being stored in a tag). An
   * empty or blank value gives no names.
   *
   * @throws IllegalStateException from {@link StepContext#parameter} if the flow has no such
   *                               parameter
   */
  static BoundUsers fromParameter(String parameterName) {
    Objects.requireNonNull(parameterName, "parameterName");
    return context -> {
      String value = context.parameter(parameterName).strip();
      return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
    };
  }
}
