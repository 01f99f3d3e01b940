package io.rdstagflow.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A poll's answer with the kind of failure behind a {@code failed} one: what
 * {@link TagStateMachine#pollResult(String, OperationToken)} returns, for brokers whose answer
 * depends on why an operation failed (OSB's 404, {@code instance_usable}, {@code update_repeatable}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param status  the answer, exactly what {@link TagStateMachine#poll(String, OperationToken)} gives
 * @param failure why it failed: present exactly when the status is {@code FAILED}
 */
public record PollResult(OperationStatus status, Optional<FailureKind> failure) {

  /**
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if a failure kind is given for a status that is not
   *     {@code FAILED}, or none for one that is
   */
  public PollResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(failure, "failure");
    if (failure.isPresent() != (status.state() == OperationStatus.State.FAILED)) {
      throw new IllegalArgumentException("a failure kind goes with a failed status, and only with one: "
          + status.state() + " with " + failure.map(Enum::name).orElse("none"));
    }
  }
}
