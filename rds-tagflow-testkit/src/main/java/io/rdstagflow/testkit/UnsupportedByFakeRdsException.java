package io.rdstagflow.testkit;

/**
 * Thrown when code under test calls an {@code RdsClient} method the {@link FakeRds} does not
 * simulate. The message names the operation and what the fake does support, so the gap is
 * obvious; it is never the SDK's bare {@link UnsupportedOperationException}.
 *
 * <p>Immutable.
 */
public final class UnsupportedByFakeRdsException extends UnsupportedOperationException {

  /** Serialization version; the exception carries only strings. */
  private static final long serialVersionUID = 1L;

  private final String operation;

  /**
   * @param operation the operation or method that was called, e.g. {@code DescribeEvents}
   * @param message   the full message
   */
  public UnsupportedByFakeRdsException(String operation, String message) {
    super(message);
    this.operation = operation;
  }

  /** The operation or method that was called. */
  public String operation() {
    return operation;
  }
}
