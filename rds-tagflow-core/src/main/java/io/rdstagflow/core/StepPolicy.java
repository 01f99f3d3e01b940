package io.rdstagflow.core;

import java.util.Objects;

/**
 * The retry policy and deadline of one step in a flow. A step's deadline runs from its first
 * attempt, whatever that attempt returned.
 *
 * <p>Immutable and thread-safe.
 *
 * @param retry    how counted failures are retried
 * @param deadline how long the step may take from its first attempt
 */
public record StepPolicy(RetryPolicy retry, Deadline deadline) {

  /** @throws NullPointerException if an argument is {@code null} */
  public StepPolicy {
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(deadline, "deadline");
  }
}
