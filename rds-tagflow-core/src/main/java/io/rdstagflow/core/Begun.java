package io.rdstagflow.core;

import java.util.Objects;

/**
 * What {@link TagStateMachine#beginAndPoll} did: the operation it began, and the answer of the poll
 * it ran at once.
 *
 * @param token  the token to return as OSB's {@code operation}
 * @param status the first poll's answer; the platform's polls take it from there
 */
public record Begun(OperationToken token, OperationStatus status) {

  /** @throws NullPointerException if an argument is {@code null} */
  public Begun {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(status, "status");
  }
}
