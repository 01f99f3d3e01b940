package io.rdstagflow.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operator (or a broker deciding whether to accept a request) sees of an instance: its
 * status, the last operation its tags record, read-only, and, when the tags cannot be understood,
 * what is wrong with them. One describe made it; nothing was written.
 *
 * @param instance    the instance as described
 * @param operation   the operation the flow tag records (running or ended), empty when there is none
 *                    or the tags are not understood
 * @param problem     what is wrong with the tags, naming the tag, if they are not understood
 * @param libraryTags the library's own tags (user tags under the prefix are not among them)
 */
public record Inspection(
    RdsInstance instance, Optional<OperationView> operation, Optional<String> problem, Map<String, String> libraryTags) {

  /** @throws NullPointerException if an argument is {@code null} */
  public Inspection {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(problem, "problem");
    libraryTags = Map.copyOf(libraryTags);
  }

  /**
   * The operation, if one is running: begun, not ended and not past its flow deadline. This is
   * what {@code begin} refuses a new operation for (a broker's 422 ConcurrencyError).
   */
  public Optional<OperationView> runningOperation() {
    return operation.filter(OperationView::running);
  }

  /** How an operation stands. */
  public enum OperationState {
    /** Steps remain. */
    RUNNING,
    /** Every step done and seen done: its terminal record. */
    SUCCEEDED,
    /** A step or the operation as a whole failed (or an operator aborted it): its terminal record. */
    FAILED
  }

  /** How a step stands. */
  public enum StepState {
    /** Not attempted yet. */
    PENDING,
    /** Attempted; it waits, was retried, or met transient errors. */
    RUNNING,
    /** Its asynchronous RDS operation was accepted; waiting for the describe to show it done. */
    STARTED,
    /** Finished. */
    DONE,
    /** Failed for good. */
    FAILED
  }

  /**
   * One operation as its tags record it.
   *
   * @param token        its token (what {@code begin} returned)
   * @param flowName     the flow's name
   * @param definition   the flow definition's version it runs on
   * @param since        when it began
   * @param restartedAt  when an operator last retried it
   * @param state        running, or how it ended
   * @param endedAt      when it ended
   * @param failure      what a poll answers for it when it failed
   * @param steps        its steps, in order
   * @param parameters   its parameters
   * @param flowDeadline when its flow deadline passes (with the clock-skew allowance)
   * @param running      {@code true} if it is running and its flow deadline has not passed
   */
  public record OperationView(
      OperationToken token,
      String flowName,
      int definition,
      Instant since,
      Optional<Instant> restartedAt,
      OperationState state,
      Optional<Instant> endedAt,
      Optional<String> failure,
      List<StepView> steps,
      Map<String, String> parameters,
      Instant flowDeadline,
      boolean running) {

    /** Copies the lists. */
    public OperationView {
      steps = List.copyOf(steps);
      parameters = Map.copyOf(parameters);
    }
  }

  /**
   * One step of an operation as its tag records it.
   *
   * @param name           the step's name
   * @param position       its position in the flow, from 1
   * @param state          where it stands
   * @param firstAttemptAt when it was first attempted (its deadline counts from there)
   * @param startedAt      when its asynchronous operation was accepted
   * @param tries          counted tries
   * @param dueAt          when its next attempt is due after a counted retry
   * @param reason         why it waits, was retried or failed
   */
  public record StepView(
      String name,
      int position,
      StepState state,
      Optional<Instant> firstAttemptAt,
      Optional<Instant> startedAt,
      int tries,
      Optional<Instant> dueAt,
      Optional<String> reason) {}
}
