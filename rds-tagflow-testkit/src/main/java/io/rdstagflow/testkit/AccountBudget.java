package io.rdstagflow.testkit;

/**
 * The account's API budget on a {@link FakeRds}, as RDS keeps it: one token bucket per account
 * and region, shared by every caller (RDS documents a burst of 300 and 12 requests a second
 * sustained). Set with {@link FakeRds.Builder#accountRateLimit(double, int)}; read from
 * {@link FakeRds#accountBudget()}.
 *
 * <p>The bucket starts full and refills at the rate on the fake's clock, so on a
 * {@link VirtualClock} it refills only as the test advances the clock. Each call of a supported
 * operation takes one token; a call that finds less than one token fails, before it changes
 * anything, with the error RDS answers: error code {@code Throttling}, HTTP 400, message
 * {@code Rate exceeded}, for which the SDK's {@code isThrottlingException()} is true. The call is
 * recorded in the call log with that error code, and counted by {@link #throttledCalls()}; it
 * takes no token. Faults injected with {@link Faults} come after the bucket: an injected error
 * takes a token (RDS counted the request), an injected throttle is not counted here. Calls the
 * fake refuses as unsupported take no token.
 *
 * <p>Thread-safe: every method takes the fake's lock.
 */
public interface AccountBudget {

  /** {@code true} when the fake was built with an account rate limit. */
  boolean limited();

  /** Tokens added per second; {@link Double#POSITIVE_INFINITY} when not {@link #limited()}. */
  double ratePerSecond();

  /** The bucket's size; {@link Integer#MAX_VALUE} when not {@link #limited()}. */
  int burst();

  /**
   * The tokens in the bucket at the fake's clock now (a call needs one);
   * {@link Double#POSITIVE_INFINITY} when not {@link #limited()}.
   */
  double availableTokens();

  /** How many calls took a token so far (every call of a supported operation when unlimited). */
  long admittedCalls();

  /** How many calls failed with {@code Throttling} because the bucket was dry. */
  long throttledCalls();
}
