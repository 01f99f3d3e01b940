package io.rdstagflow.core;

import java.time.Duration;

/**
 * How the engine pauses between retries of a tag write that records an accepted action (inside the
 * poll's time budget). A test on a virtual clock passes one that advances that clock
 * ({@code clock::advance}), so no test waits for real time.
 */
@FunctionalInterface
public interface Sleeper {

  /** Pauses for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  /** Real time: {@link Thread#sleep}. */
  static Sleeper system() {
    return d -> Thread.sleep(d.toMillis());
  }
}
