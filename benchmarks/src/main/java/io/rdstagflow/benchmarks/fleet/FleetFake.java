package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LatencyModel;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;

/**
 * The one fake RDS every replica calls, on the harness's virtual clock: the reference lifecycle
 * (modify 3 min leaving the parameter group {@code pending-reboot}, reboot 2 min) with each
 * restore's {@code creating} time drawn around the configured median (the fake's creating spread),
 * the account's token bucket (RDS's {@code Throttling} error when it is dry), RDS-like latencies
 * per call (recorded, never slept) told to the harness on the calling thread, and a call log that
 * keeps only the latest calls.
 */
final class FleetFake {

  /** The snapshot every restore starts from. */
  static final String SNAPSHOT = "fleet-nightly";

  private FleetFake() {
  }

  static FakeRds build(FleetConfig config, VirtualClock clock) {
    FakeRds fake = FakeRds.builder()
        .clock(clock)
        .timings(LifecycleTimings.defaults().withCreating(config.restoreMedian()))
        .seed(config.seed())
        .creatingSpread(config.restoreSpread())
        .accountRateLimit(config.accountRate(), config.accountBurst())
        .latency(config.latency() ? LatencyModel.rdsLike() : LatencyModel.none())
        .onEachCall(call -> FleetRecorder.latencyOfCurrentCall(call.latency().toNanos()))
        .callLogCapacity(10_000)
        .build();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier(SNAPSHOT).engine("postgres").allocatedStorage(20));
    fake.givenParameterGroup(BrokerReplica.PARAMETER_GROUP, "postgres16");
    return fake;
  }

  /** Throttled calls as the fake's account counted them; -1 when the fake keeps no account. */
  static long accountThrottles(FakeRds fake) {
    return fake.accountBudget().throttledCalls();
  }
}
