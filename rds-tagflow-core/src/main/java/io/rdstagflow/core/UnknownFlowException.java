package io.rdstagflow.core;

import java.util.Collection;
import java.util.TreeSet;

/** A flow name that no flow registered with the engine has. Nothing was written. */
public final class UnknownFlowException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** For the unknown name and the names the engine knows. */
  public UnknownFlowException(String flowName, Collection<String> known) {
    super("no flow named '" + flowName + "' is registered; known flows: " + new TreeSet<>(known));
  }
}
