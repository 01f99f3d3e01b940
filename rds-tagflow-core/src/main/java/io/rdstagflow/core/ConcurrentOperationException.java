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

  /** The instance. */
  public String instanceId() {
    return instanceId;
  }

  /** The token of the running flow. */
  public OperationToken running() {
    return running;
  }
}
