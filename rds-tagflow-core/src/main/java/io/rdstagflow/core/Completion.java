package io.rdstagflow.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a {@link Step} that returned {@link StepResult#started()} has finished its asynchronous
 * work, as a settled describe shows it: {@link #complete()}, or {@link #notYet(String)} with what
 * it still waits for (the poll's description shows the reason, so an operator sees why a flow
 * waits).
 *
 * <p>Immutable.
 */
public sealed interface Completion {

  /** The step's post-condition holds on the describe: it is done. */
  static Completion complete() {
    return Complete.INSTANCE;
  }

  /**
   * Not yet: the describe does not show the step's post-condition.
   *
   * @param reason what the step waits for, for example {@code DBInstanceClass still db.t3.small,
   *     sent db.t3.large}; never a secret
   */
  static Completion notYet(String reason) {
    return new NotYet(reason);
  }

  /** {@code true} for {@link #complete()}. */
  default boolean isComplete() {
    return this instanceof Complete;
  }

  /** What the step still waits for; empty when complete. */
  default Optional<String> waitingFor() {
    return this instanceof NotYet n ? Optional.of(n.reason()) : Optional.empty();
  }

  /** See {@link Completion#complete()}. */
  enum Complete implements Completion {
    /** The only value. */
    INSTANCE
  }

  /**
   * See {@link Completion#notYet(String)}.
   *
   * @param reason what the step waits for
   */
  record NotYet(String reason) implements Completion {
    /** @throws NullPointerException if {@code reason} is {@code null} */
    public NotYet {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
