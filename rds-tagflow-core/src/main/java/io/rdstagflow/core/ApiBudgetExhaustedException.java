package io.rdstagflow.core;

import java.time.Duration;
import java.util.Objects;

/**
 * An RDS call was not made because the engine's {@link ApiBudget} had no token for it. Nothing was
 * sent, so nothing happened: trying again after {@link #retryAfter()} may succeed. A poll never
 * throws it (it answers in progress with that {@code Retry-After}); the aws module's interceptor
 * throws it for calls made outside a poll, and the engine classifies it as transient.
 */
public final class ApiBudgetExhaustedException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** The error code a classification gives it. */
  public static final String CODE = "ApiBudgetExhausted";

  private final Duration retryAfter;

  /** A call refused for want of a token that will be there after {@code retryAfter}. */
  public ApiBudgetExhaustedException(Duration retryAfter) {
    super("the RDS API budget has no token for this call; none was sent; try again in " + Objects.requireNonNull(
        retryAfter, "retryAfter").toMillis() + " ms");
    this.retryAfter = retryAfter;
  }

  /** When a token will be there. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
