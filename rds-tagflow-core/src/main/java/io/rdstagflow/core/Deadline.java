package io.rdstagflow.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a step, or a whole flow, may take, possibly depending on the instance: restores of large
 * snapshots take hours, so a deadline may grow with the allocated storage.
 *
 * <p>Implementations must be pure and thread-safe; the engine evaluates them on every poll against
 * the instance as described.
 */
@FunctionalInterface
public interface Deadline {

  /** The time allowed for this instance, positive. */
  Duration forInstance(RdsInstance instance);

  /**
   * The same duration for every instance.
   *
   * @throws IllegalArgumentException if {@code duration} is not positive
   */
  static Deadline of(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a deadline must be positive, was " + duration);
    }
    return new Deadline() {
      @Override
      public Duration forInstance(RdsInstance instance) {
        return duration;
      }

      @Override
      public String toString() {
        return duration.toString();
      }
    };
  }

  /**
   * {@code base} plus {@code per100Gib} for every started 100 GiB of allocated storage; {@code base}
   * alone when the storage is unknown.
   *
   * @throws IllegalArgumentException if {@code base} is not positive or {@code per100Gib} negative
   */
  static Deadline growingWithStorage(Duration base, Duration per100Gib) {
    of(base);
    Objects.requireNonNull(per100Gib, "per100Gib");
    if (per100Gib.isNegative()) {
      throw new IllegalArgumentException("per100Gib must not be negative, was " + per100Gib);
    }
    return new Deadline() {
      @Override
      public Duration forInstance(RdsInstance instance) {
        int gib = instance.allocatedStorageGib().orElse(0);
        long hundreds = (gib + 99L) / 100L;
        return base.plus(per100Gib.multipliedBy(hundreds));
      }

      @Override
      public String toString() {
        return base + " + " + per100Gib + " per 100 GiB";
      }
    };
  }
}
