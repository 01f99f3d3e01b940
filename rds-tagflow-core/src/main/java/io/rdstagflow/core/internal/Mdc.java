package io.rdstagflow.core.internal;

/** The MDC keys the engine sets while it works on a flow. */
public final class Mdc {

  /** The instance identifier. */
  public static final String INSTANCE = "rdstagflow.instance";

  /** The flow's name. */
  public static final String FLOW = "rdstagflow.flow";

  private Mdc() {}
}
