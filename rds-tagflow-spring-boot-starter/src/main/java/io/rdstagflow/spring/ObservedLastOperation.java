package io.rdstagflow.spring;

import io.micrometer.observation.Observation;
import io.rdstagflow.aws.osb.LastOperation;
import io.rdstagflow.aws.osb.LastOperationAnswer;
import io.rdstagflow.core.InvalidOperationTokenException;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RdsCallException;
import java.util.Objects;

/**
 * The OSB {@code last_operation} answer ({@link LastOperation}) with each answer observed as
 * {@value RdsTagflowObservations#POLL}: low-cardinality {@code flow} (the token's flow,
 * {@code deletion}, {@code none} without a token, {@code invalid} for one that does not parse) and
 * {@code outcome} ({@code in-progress}, {@code succeeded}, {@code failed}, {@code gone},
 * {@code not-found}, {@code invalid-token}, {@code error}); the instance id as a high-cardinality
 * key. The auto-configuration provides one; a broker's handler calls {@link #answer}.
 * Thread-safe.
 */
public final class ObservedLastOperation {

  private final LastOperation lastOperation;
  private final RdsTagflowObservations observations;

  /** The answer, observed where {@code observations} says. */
  public ObservedLastOperation(LastOperation lastOperation, RdsTagflowObservations observations) {
    this.lastOperation = Objects.requireNonNull(lastOperation, "lastOperation");
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  /**
   * See {@link LastOperation#answer(String, String)}: one poll, and everything the HTTP answer needs.
   *
   * @throws InvalidOperationTokenException if the operation is not a token of this library (400)
   * @throws RdsCallException if RDS refused a call for good (500)
   */
  public LastOperationAnswer answer(String instanceId, String operation) {
    Objects.requireNonNull(instanceId, "instanceId");
    Observation o = Observation.createNotStarted(RdsTagflowObservations.POLL, observations.registry())
        .lowCardinalityKeyValue(RdsTagflowObservations.FLOW, flowOf(operation))
        .highCardinalityKeyValue(RdsTagflowObservations.INSTANCE_ID, instanceId)
        .start();
    Observation.Scope scope = o.openScope();
    try {
      LastOperationAnswer answer = lastOperation.answer(instanceId, operation);
      o.lowCardinalityKeyValue(RdsTagflowObservations.OUTCOME, outcome(answer));
      return answer;
    } catch (InvalidOperationTokenException e) {
      o.lowCardinalityKeyValue(RdsTagflowObservations.OUTCOME, "invalid-token");
      throw e;
    } catch (RuntimeException e) {
      o.lowCardinalityKeyValue(RdsTagflowObservations.OUTCOME, "error");
      o.error(e);
      throw e;
    } finally {
      scope.close();
      o.stop();
    }
  }

  /** The answer this one observes. */
  public LastOperation lastOperation() {
    return lastOperation;
  }

  private static String outcome(LastOperationAnswer answer) {
    if (answer.isGone()) {
      return "gone";
    }
    if (answer.isNotFound()) {
      return "not-found";
    }
    return answer.state().replace(' ', '-');
  }

  /** A flow name is a bounded configuration name: fit for a low-cardinality key. */
  static String flowOf(String operation) {
    if (operation == null || operation.isEmpty()) {
      return "none";
    }
    try {
      OperationToken token = OperationToken.parse(operation);
      return token.isDeletion() ? "deletion" : token.flowName().orElse("newer-format");
    } catch (InvalidOperationTokenException e) {
      return "invalid";
    }
  }
}
