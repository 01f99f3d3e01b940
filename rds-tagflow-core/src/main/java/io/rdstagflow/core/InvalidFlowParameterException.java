package io.rdstagflow.core;

/**
 * A flow parameter that cannot be stored in a tag: a name that says it is a secret, a name or value
 * outside RDS's tag character set or length. Nothing was written.
 */
public final class InvalidFlowParameterException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** With a message naming the parameter and the rule it breaks. */
  public InvalidFlowParameterException(String message) {
    super(message);
  }
}
