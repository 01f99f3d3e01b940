package io.rdstagflow.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long each call to a {@link FakeRds} would have taken against RDS, for a harness that
 * measures a fleet in virtual time. The fake never sleeps and never moves its clock: it draws a
 * latency for each call and records it as {@link RecordedCall#latency()}, and the harness adds it
 * to its own virtual time (for example to a poll's duration) as it sees fit.
 *
 * <p>Set with {@link FakeRds.Builder#latency(LatencyModel)}. The fake calls the model under its
 * lock, once per call of a supported operation (throttled and failed calls included), with a
 * random source seeded from the builder's seed and used for nothing else, so a seeded fake driven
 * from one thread records the same latencies on every run. A model must return a non-negative
 * duration and draw only from the source it is given.
 */
@FunctionalInterface
public interface LatencyModel {

  /**
   * The simulated latency of one call.
   *
   * @param operation the RDS operation, e.g. {@code DescribeDBInstances}
   * @param random    the fake's seeded source for latencies
   * @return how long the call takes; not negative
   */
  Duration latency(String operation, RandomGenerator random);

  /** Every call takes no time: the fake's default. */
  static LatencyModel none() {
    return (operation, random) -> Duration.ZERO;
  }

  /**
   * Every call takes {@code latency}.
   *
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  static LatencyModel constant(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    return (operation, random) -> latency;
  }

  /**
   * Log-normal latencies: a read ({@code Describe*}, {@code ListTagsForResource}) takes
   * {@code readMedian} × e<sup>sigma·Z</sup>, a write (an operation of
   * {@link RecordedCall#WRITE_OPERATIONS}) {@code writeMedian} × e<sup>sigma·Z</sup>, with Z
   * standard normal: half the calls are faster than the median, and the tail is long (with
   * {@code sigma} 0.7 one call in a hundred takes five times the median).
   *
   * @throws IllegalArgumentException if a median is negative or {@code sigma} is negative or not
   *                                  finite
   */
  static LatencyModel logNormal(Duration readMedian, Duration writeMedian, double sigma) {
    Objects.requireNonNull(readMedian, "readMedian");
    Objects.requireNonNull(writeMedian, "writeMedian");
    if (readMedian.isNegative() || writeMedian.isNegative()) {
      throw new IllegalArgumentException("a median must not be negative: " + readMedian + ", "
          + writeMedian);
    }
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and not negative: " + sigma);
    }
    return (operation, random) -> {
      Duration median = RecordedCall.WRITE_OPERATIONS.contains(operation)
          ? writeMedian : readMedian;
      double factor = Math.exp(sigma * random.nextGaussian());
      return Duration.ofNanos(Math.round(median.toNanos() * factor));
    };
  }

  /**
   * The test kit's assumption of RDS's latencies, not a measurement: reads a median of 50 ms,
   * writes 200 ms, {@link #logNormal log-normal} with sigma 0.7 (so a describe's p99 is about
   * 250 ms and a write's about 1 s).
   */
  static LatencyModel rdsLike() {
    return logNormal(Duration.ofMillis(50), Duration.ofMillis(200), 0.7);
  }
}
