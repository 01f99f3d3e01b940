package io.rdstagflow.core;

/**
 * A step asked for a flow parameter the operation was begun without. The poll fails the step,
 * naming the parameter; declare it in {@link Step#requiredParameters()} so that a start without it
 * is refused before anything is written.
 */
public final class MissingFlowParameterException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** For the flow, the step and the parameter's name. */
  public MissingFlowParameterException(String flowName, String stepName, String parameter) {
    super("flow " + flowName + " was begun without the parameter " + parameter + " that step " + stepName
        + " needs");
  }
}
