package io.rdstagflow.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The recorded state of one step of a running flow, as decoded from its tag
 * ({@code tagflow:step:<name>}). A pure value.
 *
 * @param name           the step's name
 * @param seq            its position in the flow, from 1
 * @param status         where it stands
 * @param firstAttemptAt when it was first attempted (its deadline runs from there)
 * @param startedAt      for {@link Status#STARTED}: when its asynchronous operation was accepted
 * @param tries          counted attempts so far
 * @param dueAt          when the next attempt is due after a counted failure (backoff)
 * @param reason         why it waits, was retried or failed
 */
public record StepState(
    String name,
    int seq,
    Status status,
    Optional<Instant> firstAttemptAt,
    Optional<Instant> startedAt,
    int tries,
    Optional<Instant> dueAt,
    Optional<String> reason) {

  /** Where a step stands. */
  public enum Status {
    /** Not attempted yet. */
    PENDING,
    /** Attempted; it answered {@code waiting} or {@code retry} and will be called again. */
    RUNNING,
    /** Its asynchronous operation was accepted; complete once the instance has settled. */
    STARTED,
    /** Finished. */
    DONE,
    /** Failed for good; the flow has failed. */
    FAILED;

    /** The word written in the tag. */
    public String tagValue() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** @throws NullPointerException if an argument is {@code null} */
  public StepState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(reason, "reason");
  }

  /** A step not attempted yet. */
  public static StepState pending(String name, int seq) {
    return new StepState(name, seq, Status.PENDING, Optional.empty(), Optional.empty(), 0,
        Optional.empty(), Optional.empty());
  }

  /** This step, done. */
  public StepState done() {
    return new StepState(name, seq, Status.DONE, Optional.empty(), Optional.empty(), tries,
        Optional.empty(), Optional.empty());
  }
}
