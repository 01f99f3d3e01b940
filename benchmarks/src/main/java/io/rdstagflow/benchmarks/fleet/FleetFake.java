package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.VirtualClock;

/**
 * The one fake RDS every replica calls: the reference lifecycle with the restore stretched, on the
 * harness's virtual clock.
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
        .build();
    fake.givenSnapshot(s -> s.dbSnapshotIdentifier(SNAPSHOT).engine("postgres").allocatedStorage(20));
    fake.givenParameterGroup(BrokerReplica.PARAMETER_GROUP, "postgres16");
    return fake;
  }

  /** Throttled calls as the fake's account counted them; -1 when the fake keeps no account. */
  static long accountThrottles(FakeRds fake) {
    return -1;
  }
}
