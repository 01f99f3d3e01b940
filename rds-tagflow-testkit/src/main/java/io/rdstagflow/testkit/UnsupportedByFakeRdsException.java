package io.rdstagflow.testkit;

import java.util.Objects;
import java.util.Optional;

/**
 * Thrown when code under test calls an {@code RdsClient} method the {@link FakeRds} does not
 * simulate, or sends a request field it does not simulate. The message names the operation (and
 * the field) and says what to do: for an operation, which ones the fake supports; for a field,
 * how to opt in with {@link FakeRds.Builder#ignoring(String, String)} or
 * {@link FakeRds.Builder#handling(String, String, FieldBehaviour)}. It is never the SDK's bare
 * {@link UnsupportedOperationException}, and never a silent success: a fake that accepted a
 * field without acting on it would let a test pass against behaviour RDS does not have.
 *
 * <p>Unchecked (an {@link UnsupportedOperationException}, so a {@link RuntimeException}).
 * Immutable.
 */
public final class UnsupportedByFakeRdsException extends UnsupportedOperationException {

  /** Serialization version; the exception carries only strings. */
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String field;

  /**
   * A refused operation.
   *
   * @param operation the operation or method that was called, e.g. {@code DescribeEvents}
   * @param message   the full message
   */
  public UnsupportedByFakeRdsException(String operation, String message) {
    this(operation, null, message);
  }

  /**
   * A refused request field.
   *
   * @param operation the operation, e.g. {@code ModifyDBInstance}
   * @param field     the request member, e.g. {@code Domain}; {@code null} for a refused operation
   * @param message   the full message
   */
  public UnsupportedByFakeRdsException(String operation, String field, String message) {
    super(message);
    this.operation = Objects.requireNonNull(operation, "operation");
    this.field = field;
  }

  /** The operation or method that was called. */
  public String operation() {
    return operation;
  }

  /** The request field that was refused (the first, if several were), or empty for an operation. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
