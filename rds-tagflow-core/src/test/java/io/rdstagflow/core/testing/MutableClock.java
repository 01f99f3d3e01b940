package io.rdstagflow.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test advances it. */
public final class MutableClock extends Clock {

  private volatile Instant now;

  /** Starting at this instant. */
  public MutableClock(Instant start) {
    this.now = start;
  }

  /** Starting at 2026-11-24T10:00:00Z. */
  public MutableClock() {
    this(Instant.parse("2026-11-24T10:00:00Z"));
  }

  /** Moves the clock forward. */
  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
