package io.rdstagflow.core;

/**
 * {@code begin} was refused because a flow is still running on the instance. A broker answers OSB's
 * {@code 422 ConcurrencyError}. Nothing was written.
 */
public final class ConcurrentOperationException extends TagflowException {

  private static final long serialVersionUID = 1L;

  private final String instanceId;
  private final OperationToken running;

  /** For the instance and the token of the flow that is running. */
  public ConcurrentOperationException(String instanceId, OperationToken running) {
    super("instance " + instanceId + " is busy: flow " + running.flowName().orElse("?") + " began at "
        + running.since() + " and is still running; try again when it has finished");
    this.instanceId = instanceId;
    this.running = running;
  }

  /**
   * For the instance and an operation this engine cannot read (a flow definition it does not have, or
   * a newer rds-tagflow's), which may still be running.
   */
  public ConcurrentOperationException(String instanceId, String what) {
    super("instance " + instanceId + " is busy: " + what + "; try again when it has finished");
    this.instanceId = instanceId;
    this.running = null;
  }

  /** The instance. */
  public String instanceId() {
    return instanceId;
  }

  /** The token of the running flow; empty when the engine cannot read the running operation. */
  public java.util.Optional<OperationToken> running() {
    return java.util.Optional.ofNullable(running);
  }
}
