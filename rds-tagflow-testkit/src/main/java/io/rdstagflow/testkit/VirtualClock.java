package io.rdstagflow.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it: time as an input, so a restore that
 * takes ten minutes in RDS takes no wall-clock time in a test and nothing ever sleeps.
 *
 * <p>Give the same clock to the {@link FakeRds} and to the code under test; both then agree on
 * what "now" is. Time only moves forward.
 *
 * <p>Thread-safe: the current instant is held in an atomic reference, so several threads may read
 * and advance it at once; each {@link #advance(Duration)} is applied exactly once.
 */
public final class VirtualClock extends Clock {

  /** Where a clock made by {@link #create()} starts: a fixed, readable instant. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-05T09:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private VirtualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock in UTC standing at {@link #DEFAULT_START}. */
  public static VirtualClock create() {
    return startingAt(DEFAULT_START);
  }

  /**
   * A clock in UTC standing at {@code start}.
   *
   * @throws NullPointerException if {@code start} is {@code null}
   */
  public static VirtualClock startingAt(Instant start) {
    return new VirtualClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * Moves the clock forward by {@code amount}.
   *
   * @return the new current instant
   * @throws IllegalArgumentException if {@code amount} is negative (time does not run backwards,
   *                                  and code that measures elapsed time must never see it do so)
   * @throws NullPointerException     if {@code amount} is {@code null}
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("a virtual clock only moves forward, not by " + amount);
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  /** The current instant; it changes only through {@link #advance(Duration)}. */
  @Override
  public Instant instant() {
    return now.get();
  }

  /** The zone used when this clock is turned into dates; UTC unless {@link #withZone} was used. */
  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * A view of this clock in another zone. The view shares this clock's instant: advancing either
   * advances both.
   */
  @Override
  public Clock withZone(ZoneId zone) {
    return new VirtualClock(now, Objects.requireNonNull(zone, "zone"));
  }

  /** The current instant and zone, for failure messages. */
  @Override
  public String toString() {
    return "VirtualClock[" + instant() + ", " + zone + "]";
  }
}
