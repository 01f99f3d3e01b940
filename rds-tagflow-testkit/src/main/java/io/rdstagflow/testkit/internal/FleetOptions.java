package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.LatencyModel;
import io.rdstagflow.testkit.RecordedCall;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link io.rdstagflow.testkit.FakeRds.Builder} sets for a fleet: the account's rate limit,
 * the latency model, the spread of creating times, the call listener and how many calls the log
 * keeps. Not an API.
 *
 * @param ratePerSecond   the account's tokens per second, or {@code null} for no limit
 * @param burst           the account's bucket size (ignored without a rate)
 * @param latency         the latency model
 * @param creatingSpread  the sigma of each new instance's creating time; 0 for none
 * @param listener        called with each recorded call, or {@code null}
 * @param callLogCapacity how many of the most recent calls the log keeps
 */
public record FleetOptions(Double ratePerSecond, int burst, LatencyModel latency,
    double creatingSpread, Consumer<RecordedCall> listener, int callLogCapacity) {

  /** No rate limit, no latency, no spread, no listener, every call kept. */
  public static final FleetOptions NONE =
      new FleetOptions(null, 0, LatencyModel.none(), 0, null, Integer.MAX_VALUE);

  /** Checks the latency model is given. */
  public FleetOptions {
    Objects.requireNonNull(latency, "latency");
  }
}
