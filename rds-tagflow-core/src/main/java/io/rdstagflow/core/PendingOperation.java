package io.rdstagflow.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one flow on one instance, decoded from the instance's tags: which flow, since when,
 * each step's state, the flow's parameters, and a lease if a claim policy wrote one. A pure value
 * with no I/O; the tag format is documented in {@code docs/tag-format.md}.
 *
 * @param flowName      the flow's name
 * @param formatVersion the tag format version that wrote it
 * @param since         when the flow began (part of its {@link OperationToken})
 * @param restartedAt   when an operator last retried it; the flow deadline runs from the later of
 *                      this and {@code since}
 * @param failure       why the flow failed as a whole (instance status, flow deadline), if it did
 * @param steps         the steps' states, in flow order
 * @param parameters    the flow's parameters
 * @param lease         the claim lease, if any
 */
public record PendingOperation(
    String flowName,
    int formatVersion,
    Instant since,
    Optional<Instant> restartedAt,
    Optional<String> failure,
    List<StepState> steps,
    Map<String, String> parameters,
    Optional<Lease> lease) {

  /**
   * A claim on a flow's next step.
   *
   * @param owner the engine's owner id
   * @param until when the lease expires
   */
  public record Lease(String owner, Instant until) {
    /** @throws NullPointerException if an argument is {@code null} */
    public Lease {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(until, "until");
    }
  }

  /** @throws NullPointerException if an argument is {@code null} */
  public PendingOperation {
    Objects.requireNonNull(flowName, "flowName");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(restartedAt, "restartedAt");
    Objects.requireNonNull(failure, "failure");
    steps = List.copyOf(steps);
    parameters = Map.copyOf(parameters);
    Objects.requireNonNull(lease, "lease");
  }

  /** The token of this operation, as {@code begin} returned it. */
  public OperationToken token() {
    return OperationToken.forFlow(flowName, since);
  }

  /** When the flow deadline starts counting: the later of the start and an operator's retry. */
  public Instant deadlineBase() {
    return restartedAt.filter(r -> r.isAfter(since)).orElse(since);
  }

  /** The failed step, if one failed. */
  public Optional<StepState> failedStep() {
    return steps.stream().filter(s -> s.status() == StepState.Status.FAILED).findFirst();
  }

  /** {@code true} if the flow failed, as a whole or in a step. */
  public boolean isFailed() {
    return failure.isPresent() || failedStep().isPresent();
  }

  /**
   * What a failed operation reports, for example {@code step users failed after 5 tries: ...};
   * empty while it has not failed.
   */
  public Optional<String> failureDescription() {
    Optional<StepState> step = failedStep();
    if (step.isPresent()) {
      return Optional.of("step " + step.get().name() + " " + step.get().reason().orElse("failed"));
    }
    return failure.map(reason -> "flow " + flowName + " " + reason);
  }

  /** The first step that is not done, if any. */
  public Optional<StepState> currentStep() {
    return steps.stream().filter(s -> s.status() != StepState.Status.DONE).findFirst();
  }
}
