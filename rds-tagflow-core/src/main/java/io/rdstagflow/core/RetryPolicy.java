package io.rdstagflow.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a step that answers {@link StepResult#retry retry} is tried, and how long the engine
 * waits between tries: exponential backoff from {@code initialBackoff}, multiplied by
 * {@code multiplier} after each try, capped at {@code maxBackoff}. Only {@code retry} results
 * count; transient RDS errors and {@code waiting} do not (deadlines bound those).
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxAttempts    how many counted attempts a step gets before it fails, at least 1
 * @param initialBackoff the wait after the first counted failure
 * @param multiplier     the factor the wait grows by after each further failure, at least 1
 * @param maxBackoff     the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

  private static final RetryPolicy DEFAULTS =
      new RetryPolicy(5, Duration.ofSeconds(30), 2.0, Duration.ofMinutes(10));

  /**
   * @throws IllegalArgumentException if {@code maxAttempts < 1}, {@code multiplier < 1}, a
   *     duration is negative, or {@code maxBackoff < initialBackoff}
   */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initialBackoff <= maxBackoff, was " + initialBackoff + " and " + maxBackoff);
    }
  }

  /** 5 attempts, 30 s backoff doubling up to 10 min. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** {@code maxAttempts} attempts with the default backoff. */
  public static RetryPolicy maxAttempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, DEFAULTS.initialBackoff, DEFAULTS.multiplier, DEFAULTS.maxBackoff);
  }

  /** This policy with another backoff. */
  public RetryPolicy withBackoff(Duration initialBackoff, double multiplier, Duration maxBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff);
  }

  /** The wait after the {@code failures}-th counted failure (1 for the first). */
  public Duration backoffAfter(int failures) {
    double factor = Math.pow(multiplier, Math.max(0, failures - 1));
    double seconds = initialBackoff.toMillis() / 1000.0 * factor;
    if (!(seconds < maxBackoff.getSeconds())) {
      return maxBackoff;
    }
    return Duration.ofMillis((long) (seconds * 1000));
  }
}
