package io.rdstagflow.core.spi;

import java.util.Objects;
import java.util.Set;

/**
 * What kind of failure an exception is, and a short code that names it safely (an AWS error code
 * and request id, an SQLState, an exception's class name), never its message.
 *
 * @param kind what the engine does about it
 * @param code a short, secret-free name of the error, used in failure reasons
 */
public record ErrorClassification(Kind kind, String code) {

  /** What the engine does about a failure. */
  public enum Kind {
    /**
     * Passing: throttling, a 5xx, a timeout, an instance in the wrong state for the moment. The
     * operation stays in progress and the failure does not count as an attempt; only deadlines
     * bound it.
     */
    TRANSIENT,
    /** The instance does not exist. */
    NOT_FOUND,
    /** Anything else: retrying will not help, the step fails with the code as its reason. */
    PERMANENT
  }

  /** @throws NullPointerException if an argument is {@code null} */
  public ErrorClassification {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(code, "code");
  }

  /**
   * The error codes AWS uses for throttling (those the SDK's retry conditions know, and HTTP 429):
   * a transient failure with one of them lowers the engine's {@link io.rdstagflow.core.ApiBudget}.
   */
  private static final Set<String> THROTTLING_CODES = Set.of("Throttling", "ThrottlingException",
      "ThrottledException", "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
      "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
      "PriorRequestNotComplete", "EC2ThrottledException", "ProvisionedThroughputExceededException", "HTTP 429");

  /** {@code true} if this is RDS saying "slow down": a transient failure with a throttling code. */
  public boolean isThrottling() {
    return kind == Kind.TRANSIENT && THROTTLING_CODES.contains(code);
  }

  /** A transient failure with this code. */
  public static ErrorClassification transientError(String code) {
    return new ErrorClassification(Kind.TRANSIENT, code);
  }

  /** A not-found failure with this code. */
  public static ErrorClassification notFound(String code) {
    return new ErrorClassification(Kind.NOT_FOUND, code);
  }

  /** A permanent failure with this code. */
  public static ErrorClassification permanent(String code) {
    return new ErrorClassification(Kind.PERMANENT, code);
  }
}
