package io.rdstagflow.core;

/** An operator action that does not apply, such as retrying a flow that has not failed. Nothing was written. */
public final class OperatorActionException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** With a message saying why the action does not apply. */
  public OperatorActionException(String message) {
    super(message);
  }
}
