package io.rdstagflow.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a broker's LastOperation endpoint answers for one poll: a state, a description for people,
 * and an optional hint of when to poll again (OSB's {@code Retry-After} header).
 *
 * <p>Immutable and thread-safe. {@link #toString()} holds nothing but the three fields, which never
 * carry a secret.
 *
 * @param state       the operation's state
 * @param description a human-readable description, never {@code null}
 * @param retryAfter  when the platform should poll again, if the engine has a better idea than the
 *                    platform's own interval
 */
public record OperationStatus(State state, String description, Optional<Duration> retryAfter) {

  /** The three states of an OSB operation. */
  public enum State {
    /** The operation goes on; poll again. OSB: {@code in progress}. */
    IN_PROGRESS("in progress"),
    /** The operation finished well. OSB: {@code succeeded}. */
    SUCCEEDED("succeeded"),
    /** The operation failed; the description says why. OSB: {@code failed}. */
    FAILED("failed");

    private final String osbValue;

    State(String osbValue) {
      this.osbValue = osbValue;
    }

    /** The string OSB's {@code last_operation} response carries in its {@code state} field. */
    public String osbValue() {
      return osbValue;
    }
  }

  /**
   * @throws NullPointerException if an argument is {@code null}
   */
  public OperationStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** An operation still going on, without a retry hint. */
  public static OperationStatus inProgress(String description) {
    return new OperationStatus(State.IN_PROGRESS, description, Optional.empty());
  }

  /** An operation still going on; the platform had better poll again after {@code retryAfter}. */
  public static OperationStatus inProgress(String description, Duration retryAfter) {
    return new OperationStatus(State.IN_PROGRESS, description, Optional.of(retryAfter));
  }

  /** A finished operation. */
  public static OperationStatus succeeded(String description) {
    return new OperationStatus(State.SUCCEEDED, description, Optional.empty());
  }

  /** A failed operation; {@code description} says what failed and why. */
  public static OperationStatus failed(String description) {
    return new OperationStatus(State.FAILED, description, Optional.empty());
  }

  /** {@code true} when the platform stops polling: succeeded or failed. */
  public boolean isFinal() {
    return state != State.IN_PROGRESS;
  }
}
