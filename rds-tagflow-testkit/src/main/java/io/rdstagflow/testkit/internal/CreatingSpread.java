package io.rdstagflow.testkit.internal;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long each new instance is {@code creating}: the timings' value times a factor drawn per
 * instance, e<sup>sigma·Z</sup> with Z standard normal (cut at ±3), so the median restore takes
 * the timings' value and a few take several times as long, as restores of snapshots of varied
 * sizes do. The draw is seeded by the fake's seed and the instance identifier alone, so it does
 * not depend on the order in which threads create instances. Immutable.
 *
 * @param sigma the spread; 0 gives every instance exactly the timings' value
 * @param seed  the fake's seed
 */
record CreatingSpread(double sigma, long seed) {

  /** No spread: every instance is {@code creating} for exactly the timings' value. */
  static final CreatingSpread NONE = new CreatingSpread(0, 0);

  /** The {@code creating} time of instance {@code id} for the timings' {@code base}. */
  Duration creating(Duration base, String id) {
    if (sigma == 0 || base.isZero()) {
      return base;
    }
    double z = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id.hashCode()).nextGaussian();
    double factor = Math.exp(sigma * Math.max(-3, Math.min(3, z)));
    return Duration.ofNanos(Math.round(base.toNanos() * factor));
  }
}
