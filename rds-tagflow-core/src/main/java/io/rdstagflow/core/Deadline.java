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

  /** The longest deadline there is: ten years (longer ones overflow time arithmetic or mean "never"). */
  Duration MAX = Duration.ofDays(3650);

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
    if (duration.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("a deadline may be at most " + MAX.toDays() + " days, was " + duration
          + "; an operation nobody can finish should fail while someone still waits for it");
    }
    return new Deadline() {
      @Override
      public Duration forInstance(RdsInstance instance) {
        return duration;
      }

      @Override
      public String toString() {
        return io.rdstagflow.core.internal.Durations.human(duration);
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
    if (per100Gib.isNegative() || per100Gib.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("per100Gib must be between 0 and " + MAX.toDays() + " days, was " + per100Gib);
    }
    return new Deadline() {
      @Override
      public Duration forInstance(RdsInstance instance) {
        int gib = instance.allocatedStorageGib().orElse(0);
        long hundreds = (gib + 99L) / 100L;
        Duration d = base.plus(per100Gib.multipliedBy(Math.min(hundreds, 1000)));
        return d.compareTo(MAX) > 0 ? MAX : d;
      }

      @Override
      public String toString() {
        return io.rdstagflow.core.internal.Durations.human(base) + " + "
            + io.rdstagflow.core.internal.Durations.human(per100Gib) + " per 100 GiB";
      }
    };
  }
}
