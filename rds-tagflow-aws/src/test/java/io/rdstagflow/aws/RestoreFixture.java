package io.rdstagflow.aws;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The ready restore flow on the test kit's fake RDS with the reference lifecycle of design.md
 * ("How the reference figures are counted"): restore 10 min, modify 3 min leaving the new parameter
 * group {@code pending-reboot}, reboot 2 min, polled every 60 s, settle time 30 s.
 */
final class RestoreFixture {

  static final String ID = "svc-1";
  static final String SEED = "fixture-seed-never-in-a-tag-0123456789";

  final VirtualClock clock = VirtualClock.create();
  final FakeRds rds;
  final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed(SEED);
  final Flow flow;

  RestoreFixture() {
    this(LifecycleTimings.defaults(), 7);
  }

  RestoreFixture(LifecycleTimings timings, long seed) {
    rds = FakeRds.builder().clock(clock).timings(timings).seed(seed).build();
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").engineVersion("15.4")
        .allocatedStorage(20).masterUsername("master"));
    rds.createDBParameterGroup(r -> r.dbParameterGroupName("pg-custom").dbParameterGroupFamily("postgres15")
        .description("the broker's tuned parameters"));
    flow = ReadyFlows.restoreFromSnapshot(rds)
        .settings(b -> b.dbParameterGroupName("pg-custom").backupRetentionPeriod(7))
        .masterPassword(passwords)
        .build();
  }

  TagStateMachine engine() {
    return engine("broker-a");
  }

  TagStateMachine engine(String owner) {
    return TagStateMachine.builder(new SdkRdsGateway(rds)).flow(flow).clock(clock)
        .settleTime(Duration.ofSeconds(30)).ownerId(owner).build();
  }

  OperationToken restore(TagStateMachine engine) {
    return new RdsStarter(rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "nightly"),
        r -> r.dbInstanceIdentifier(ID).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro")
            .tags(Tag.builder().key("team").value("payments").build()));
  }

  PollHistory pollUntilDone(Supplier<OperationStatus> lastOperation) {
    return PollDriver.on(clock).recordingCallsOf(rds).maxPolls(200).build().run(lastOperation);
  }

  String password() {
    return passwords.password(ID, "master");
  }
}
