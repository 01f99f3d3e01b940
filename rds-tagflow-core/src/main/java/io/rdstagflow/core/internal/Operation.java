package io.rdstagflow.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation on one instance, decoded from (and encoded to) its tags: which flow definition,
 * since when, its state (running, or its terminal record), each step's record, its parameters and a
 * claim lease. A pure value; changes are withers.
 *
 * @param id          the operation id, stamped on every tag of the operation (see {@link OperationIds})
 * @param flowName    the flow's name
 * @param definition  the flow definition's version it was begun under
 * @param fingerprint the fingerprint of that definition's step names
 * @param since       when it began
 * @param restartedAt when an operator last retried it, or {@code null}
 * @param state       running, succeeded or failed
 * @param endedAt     when it ended, for a terminal record, or {@code null}
 * @param failure     why it failed as a whole (status, flow deadline, abort), or {@code null}
 * @param steps       the steps' records, in flow order
 * @param parameters  the flow's parameters
 * @param lease       the claim lease, or {@code null}
 * @param previous    how the operation this one replaced ended ({@code <id>/succeeded} or
 *                    {@code <id>/failed}), so a late poll of that one still gets its answer; or
 *                    {@code null}
 */
public record Operation(
    String id,
    String flowName,
    int definition,
    String fingerprint,
    Instant since,
    Instant restartedAt,
    State state,
    Instant endedAt,
    String failure,
    List<StepRecord> steps,
    Map<String, String> parameters,
    Lease lease,
    String previous) {

  /** Running, or how it ended. */
  public enum State {
    /** Steps remain. */
    RUNNING,
    /** Every step done and seen done. */
    SUCCEEDED,
    /** A step failed, or the operation as a whole (status, deadline, an operator's abort). */
    FAILED
  }

  /**
   * A claim on the operation's next step.
   *
   * @param owner the claiming engine's owner id
   * @param until when it expires
   */
  public record Lease(String owner, Instant until) {
    /** @throws NullPointerException if an argument is {@code null} */
    public Lease {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(until, "until");
    }
  }

  /** Copies the lists. */
  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(flowName, "flowName");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(state, "state");
    steps = List.copyOf(steps);
    parameters = Map.copyOf(parameters);
  }

  /** {@code true} while steps remain. */
  public boolean isRunning() {
    return state == State.RUNNING;
  }

  /** When deadlines count from: the later of the start and an operator's retry. */
  public Instant deadlineBase() {
    return restartedAt != null && restartedAt.isAfter(since) ? restartedAt : since;
  }

  /** The failed step, if one failed. */
  public Optional<StepRecord> failedStep() {
    return steps.stream().filter(s -> s.status() == StepRecord.Status.FAILED).findFirst();
  }

  /** What a failed operation answers. */
  public String failureDescription() {
    Optional<StepRecord> step = failedStep();
    if (step.isPresent()) {
      return "step " + step.get().name() + " " + step.get().reason().orElse("failed");
    }
    return failure != null ? failure : "operation " + id + " of flow " + flowName + " failed";
  }

  /** This operation with these step records. */
  public Operation withSteps(List<StepRecord> newSteps) {
    return new Operation(id, flowName, definition, fingerprint, since, restartedAt, state, endedAt, failure,
        newSteps, parameters, lease, previous);
  }

  /** This operation with this lease. */
  public Operation withLease(Lease newLease) {
    return new Operation(id, flowName, definition, fingerprint, since, restartedAt, state, endedAt, failure,
        steps, parameters, newLease, previous);
  }

  /** Its terminal record: succeeded now. */
  public Operation succeeded(Instant now) {
    requireRunning("succeed");
    return new Operation(id, flowName, definition, fingerprint, since, restartedAt, State.SUCCEEDED, now, null,
        steps, parameters, lease, previous);
  }

  /** Its terminal record: failed now, as a whole for {@code why}, or (null) for its failed step. */
  public Operation failed(Instant now, String why) {
    requireRunning("fail");
    return new Operation(id, flowName, definition, fingerprint, since, restartedAt, State.FAILED, now, why,
        steps, parameters, lease, previous);
  }

  /** Running again after an operator's retry: the failed step pending, the running step's clock restarted. */
  public Operation retried(Instant now) {
    if (state != State.FAILED) {
      throw new IllegalStateException("operation " + id + " has not failed");
    }
    List<StepRecord> again = new ArrayList<>(steps.size());
    for (StepRecord s : steps) {
      again.add(s.status() == StepRecord.Status.FAILED ? s.reset() : s.clockRestarted(now));
    }
    return new Operation(id, flowName, definition, fingerprint, since, now, State.RUNNING, null, null, again,
        parameters, lease, previous);
  }

  private void requireRunning(String what) {
    if (state != State.RUNNING) {
      throw new IllegalStateException("operation " + id + " has ended; it cannot " + what);
    }
  }
}
