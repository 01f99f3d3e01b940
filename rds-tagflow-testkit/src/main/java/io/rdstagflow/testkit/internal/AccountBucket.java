package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.AccountBudget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The account's token bucket on the fake's clock (see {@link AccountBudget}). {@link #admit}
 * is called under the simulation's lock; the {@link AccountBudget} methods take it.
 */
final class AccountBucket implements AccountBudget {

  private final Object lock;
  private final Clock clock;
  /** Tokens per second, or {@code null}: no limit. */
  private final Double rate;
  private final int burst;
  private double tokens;
  private Instant refilledAt;
  private long admitted;
  private long throttled;

  /**
   * A full bucket.
   *
   * @param rate tokens per second, or {@code null} for no limit
   */
  AccountBucket(Object lock, Clock clock, Double rate, int burst) {
    this.lock = lock;
    this.clock = clock;
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  /**
   * Takes a token for a call at {@code now}, or throws RDS's throttling error when the bucket
   * holds less than one.
   */
  void admit(Instant now, String requestId) {
    if (rate != null) {
      refill(now);
      if (tokens < 1) {
        throttled++;
        throw RdsErrors.error("Throttling", 400, "Rate exceeded", requestId);
      }
      tokens -= 1;
    }
    admitted++;
  }

  private void refill(Instant now) {
    if (refilledAt != null && now.isAfter(refilledAt)) {
      Duration elapsed = Duration.between(refilledAt, now);
      double seconds = elapsed.getSeconds() + elapsed.getNano() / 1e9;
      tokens = Math.min(burst, tokens + seconds * rate);
    }
    if (refilledAt == null || now.isAfter(refilledAt)) {
      refilledAt = now;
    }
  }

  @Override
  public boolean limited() {
    return rate != null;
  }

  @Override
  public double ratePerSecond() {
    return rate == null ? Double.POSITIVE_INFINITY : rate;
  }

  @Override
  public int burst() {
    return rate == null ? Integer.MAX_VALUE : burst;
  }

  @Override
  public double availableTokens() {
    synchronized (lock) {
      if (rate == null) {
        return Double.POSITIVE_INFINITY;
      }
      refill(clock.instant());
      return tokens;
    }
  }

  @Override
  public long admittedCalls() {
    synchronized (lock) {
      return admitted;
    }
  }

  @Override
  public long throttledCalls() {
    synchronized (lock) {
      return throttled;
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return rate == null ? "AccountBudget[unlimited, " + admitted + " calls]"
          : "AccountBudget[" + rate + "/s, burst " + burst + ", " + admitted + " admitted, "
              + throttled + " throttled]";
    }
  }
}
