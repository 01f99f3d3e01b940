package io.rdstagflow.aws.osb;

import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.FailureKind;
import io.rdstagflow.core.InvalidOperationTokenException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.PollResult;
import io.rdstagflow.core.RdsCallException;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.core.UnknownFlowException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * OSB's {@code last_operation} endpoint as one call: {@link #answer(String, String)} takes the
 * instance and the {@code operation} string exactly as the platform sent it, polls the engine once,
 * and returns what the HTTP response carries ({@link LastOperationAnswer}). Framework-free: any web
 * stack maps the answer and the two exceptions below.
 *
 * <table>
 * <caption>How a broker maps it</caption>
 * <tr><th>outcome</th><th>HTTP</th></tr>
 * <tr><td>{@link LastOperationAnswer#httpStatus()}</td><td>200, 410 (a deletion, or a deletion flow such as a
 *     cluster's, that succeeded) or
 *     404 (no such instance, polled without a deletion's token), with {@link LastOperationAnswer#body()}
 *     and {@code Retry-After} when {@link LastOperationAnswer#retryAfterSeconds()} is present</td></tr>
 * <tr><td>{@link InvalidOperationTokenException}</td><td>400: the operation is not a token this library
 *     wrote; thrown before any RDS call</td></tr>
 * <tr><td>{@link RdsCallException}</td><td>500: RDS refused a call for good (a missing permission, say);
 *     its message names the call and the AWS error code, never a secret. Transient RDS errors never
 *     get here: they answer {@code in progress} with a {@code Retry-After}</td></tr>
 * </table>
 *
 * <p><b>{@code instance_usable} and {@code update_repeatable}</b> (OSB 2.16) are set for a failed
 * operation of an <em>update</em> flow (by default {@link ReadyFlows#UPDATE_PLAN} and
 * {@link ReadyFlows#ENGINE_UPGRADE}; see {@link Builder#updateFlows}) when the engine knows them: a
 * step that failed on a usable instance
 * (RDS refused the modify, say) leaves the instance usable and the update repeatable; an instance in
 * a status that fails operations ({@code incompatible-parameters}, {@code failed}, ...) is neither.
 * They are left out for every other answer, as OSB asks (not present for errors of other operations),
 * and whenever the engine cannot tell.
 *
 * <p>Thread-safe, as the engine is.
 */
public final class LastOperation {

  private final TagStateMachine engine;
  private final Set<String> updateFlows;

  private LastOperation(Builder b) {
    this.engine = b.engine;
    this.updateFlows = Set.copyOf(b.updateFlows);
  }

  /**
   * The answer over this engine, with {@link ReadyFlows#UPDATE_PLAN} and {@link ReadyFlows#ENGINE_UPGRADE}
   * as the update flows.
   */
  public static LastOperation of(TagStateMachine engine) {
    return builder(engine).build();
  }

  /** A builder over this engine. */
  public static Builder builder(TagStateMachine engine) {
    return new Builder(engine);
  }

  /**
   * Polls the operation once and answers as OSB's {@code last_operation} does.
   *
   * @param instanceId the RDS instance identifier (the broker's mapping of the service instance id)
   * @param operation  the {@code operation} query parameter as the platform sent it: the token that
   *                   provision, update or deprovision returned; {@code null} or empty polls without
   *                   one (the instance status alone answers)
   * @throws InvalidOperationTokenException if {@code operation} is not a token this library wrote
   *     (400); nothing was called
   * @throws RdsCallException if RDS refused a call for good (500); the operation's state is unchanged
   */
  public LastOperationAnswer answer(String instanceId, String operation) {
    Objects.requireNonNull(instanceId, "instanceId");
    OperationToken token = operation == null || operation.isEmpty() ? null : OperationToken.parse(operation);
    PollResult result = token == null ? engine.pollResult(instanceId) : engine.pollResult(instanceId, token);
    OperationStatus status = result.status();
    boolean deletion = token != null && (token.isDeletion() || isDeletionFlow(token));
    int http = LastOperationAnswer.OK;
    if (deletion && status.state() == OperationStatus.State.SUCCEEDED) {
      http = LastOperationAnswer.GONE;
    } else if (!deletion && result.failure().orElse(null) == FailureKind.INSTANCE_NOT_FOUND) {
      http = LastOperationAnswer.NOT_FOUND;
    }
    Optional<Boolean> usable = Optional.empty();
    Optional<Boolean> repeatable = Optional.empty();
    boolean update = token != null && token.flowName().map(updateFlows::contains).orElse(false);
    if (update && result.failure().isPresent()) {
      switch (result.failure().get()) {
        case STEP_FAILED -> {
          usable = Optional.of(true);
          repeatable = Optional.of(true);
        }
        case INSTANCE_STATUS -> {
          usable = Optional.of(false);
          repeatable = Optional.of(false);
        }
        default -> { } // the engine cannot tell: OSB's defaults apply
      }
    }
    // The engine puts its estimate on every in-progress answer.
    return new LastOperationAnswer(status, http, status.retryAfter().map(LastOperation::seconds)
        .map(OptionalLong::of).orElse(OptionalLong.empty()), usable, repeatable);
  }

  /** A token of a flow that deletes its resource (a cluster's deletion): its success is a 410 too. */
  private boolean isDeletionFlow(OperationToken token) {
    if (token.flowName().isEmpty()) {
      return false;
    }
    try {
      return engine.flow(token.flowName().get()).isDeletion();
    } catch (UnknownFlowException e) {
      return false;
    }
  }

  /** The names of the flows that serve OSB updates. */
  public Set<String> updateFlows() {
    return updateFlows;
  }

  /** Whole seconds, rounded up, at least 1 (OSB's {@code Retry-After} is an integer of seconds). */
  static long seconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }

  /** Builds a {@link LastOperation}. Not thread-safe. */
  public static final class Builder {
    private final TagStateMachine engine;
    private Set<String> updateFlows = Set.of(ReadyFlows.UPDATE_PLAN, ReadyFlows.ENGINE_UPGRADE);

    private Builder(TagStateMachine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * The names of the flows a broker begins for OSB updates (replacing the default,
     * {@link ReadyFlows#UPDATE_PLAN} and {@link ReadyFlows#ENGINE_UPGRADE}); a failure of one carries
     * {@code instance_usable} and
     * {@code update_repeatable} where the engine knows them. Flows of provisions (restores,
     * creates) do not belong here: OSB gives those fields to updates only.
     */
    public Builder updateFlows(Collection<String> names) {
      this.updateFlows = Set.copyOf(Objects.requireNonNull(names, "names"));
      return this;
    }

    /** The answer. */
    public LastOperation build() {
      return new LastOperation(this);
    }
  }
}
