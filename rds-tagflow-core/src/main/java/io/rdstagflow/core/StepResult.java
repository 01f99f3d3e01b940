package io.rdstagflow.core;

import java.util.Objects;

/**
 * What a {@link Step} did in one call: a closed set of five outcomes.
 *
 * <ul>
 *   <li>{@link #done()}: finished now; the engine moves on to the next step in the same poll.
 *   <li>{@link #started()}: an asynchronous RDS operation was accepted; the step is complete once
 *       the instance has settled, the settle time has passed and {@link Step#completion} says the step is complete.
 *   <li>{@link #waiting(String)}: not ready yet, ask again next poll; not counted as an attempt.
 *   <li>{@link #retry(String)}: a passing failure the step recognised; counted against the retry
 *       policy, the next attempt waits for the backoff.
 *   <li>{@link #failed(String)}: permanent; the whole operation fails with this reason.
 * </ul>
 *
 * <p>Reasons are written to tags and log lines as they are (reduced to the tag character set), so
 * they must never hold a secret.
 */
public sealed interface StepResult {

  /** Finished now. */
  static StepResult done() {
    return Done.INSTANCE;
  }

  /** An asynchronous operation was accepted; wait for the instance to settle. */
  static StepResult started() {
    return Started.INSTANCE;
  }

  /** Not ready yet (for example a database that refuses connections while it comes up). */
  static StepResult waiting(String reason) {
    return new Waiting(reason);
  }

  /** A passing failure, counted against the step's retry policy. */
  static StepResult retry(String reason) {
    return new Retry(reason);
  }

  /** A permanent failure of the whole operation. */
  static StepResult failed(String reason) {
    return new Failed(reason);
  }

  /** See {@link StepResult#done()}. */
  enum Done implements StepResult {
    /** The only value. */
    INSTANCE
  }

  /** See {@link StepResult#started()}. */
  enum Started implements StepResult {
    /** The only value. */
    INSTANCE
  }

  /**
   * See {@link StepResult#waiting(String)}.
   *
   * @param reason why the step cannot go on yet, for the operation's description
   */
  record Waiting(String reason) implements StepResult {
    /** @throws NullPointerException if {@code reason} is {@code null} */
    public Waiting {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * See {@link StepResult#retry(String)}.
   *
   * @param reason what failed, for the tags and the description
   */
  record Retry(String reason) implements StepResult {
    /** @throws NullPointerException if {@code reason} is {@code null} */
    public Retry {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * See {@link StepResult#failed(String)}.
   *
   * @param reason what failed, for the tags and the description
   */
  record Failed(String reason) implements StepResult {
    /** @throws NullPointerException if {@code reason} is {@code null} */
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
