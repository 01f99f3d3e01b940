package io.rdstagflow.core;

/** The instance an action names does not exist. */
public final class InstanceNotFoundException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** For the instance's identifier. */
  public InstanceNotFoundException(String instanceId) {
    super("instance " + instanceId + " not found");
  }
}
