package io.rdstagflow.core;

import io.rdstagflow.core.spi.ErrorClassification;
import java.util.Objects;

/**
 * An RDS call the engine needed failed, and there was no operation state to record it in: a
 * {@code begin} or an operator action, or a poll whose describe or tag write failed permanently
 * (for example for want of a permission). Carries the gateway's classification; the message holds
 * the call and the error code, never the underlying message. The cause is attached for the
 * broker's own diagnostics.
 */
public final class RdsCallException extends TagflowException {

  private static final long serialVersionUID = 1L;

  private final transient ErrorClassification classification;

  /** For the call that failed, its classification and the original exception. */
  public RdsCallException(String call, ErrorClassification classification, Throwable cause) {
    super(call + " failed: " + classification.code()
        + (classification.kind() == ErrorClassification.Kind.TRANSIENT ? " (transient: try again later)" : ""));
    this.classification = Objects.requireNonNull(classification, "classification");
    initCause(cause);
  }

  /** What kind of failure it was. */
  public ErrorClassification classification() {
    return classification;
  }

  /** {@code true} if trying again later may succeed. */
  public boolean isTransient() {
    return classification.kind() == ErrorClassification.Kind.TRANSIENT;
  }
}
