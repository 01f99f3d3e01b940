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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The ready cluster flows on the test kit's fake RDS with its default lifecycle (a cluster restore
 * 10 min, a member 7 min, a cluster modify 2 min then its master password 2 min, the new cluster
 * parameter group then {@code pending-reboot} on the members, a member reboot 2 min, a cluster
 * deletion 3 min), polled every 60 s, settle time 30 s: the instance figures' way of counting
 * (design.md, "How the reference figures are counted"), one level up.
 */
final class ClusterFixture {

  static final String ID = "aurora-1";
  static final String WRITER = ID + "-1";
  static final String SEED = "cluster-fixture-seed-never-in-a-tag-0123";

  final VirtualClock clock = VirtualClock.create();
  final FakeRds rds;
  final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed(SEED);
  final Flow restore;
  final Flow pitr;
  final Flow update;
  final Flow delete;

  ClusterFixture() {
    this(LifecycleTimings.defaults(), 7, 0);
  }

  ClusterFixture(int readers) {
    this(LifecycleTimings.defaults(), 7, readers);
  }

  ClusterFixture(LifecycleTimings timings, long seed, int readers) {
    rds = FakeRds.builder().clock(clock).timings(timings).seed(seed).build();
    rds.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("nightly").engine("aurora-postgresql")
        .engineVersion("16.4").masterUsername("master"));
    rds.givenClusterParameterGroup("cpg-broker", "aurora-postgresql16");
    rds.givenCluster(c -> c.dbClusterIdentifier("source").engine("aurora-postgresql").engineVersion("16.4")
        .masterUsername("master").masterUserPassword("source-pw-1234"));
    ClusterMembers members = ClusterMembers.builder()
        .instance((ctx, b) -> b.dbInstanceClass("db.r6g.large").tags(Tag.builder().key("team").value("payments").build()))
        .readers(readers)
        .build();
    restore = ReadyClusterFlows.restoreFromSnapshot(rds).members(members)
        .settings(b -> b.dbClusterParameterGroupName("cpg-broker").backupRetentionPeriod(7))
        .masterPassword(passwords)
        .build();
    pitr = ReadyClusterFlows.restoreToPointInTime(rds).members(members)
        .settings(b -> b.backupRetentionPeriod(7))
        .masterPassword(passwords)
        .build();
    update = ReadyClusterFlows.updatePlan(rds).instanceClass(ctx -> ctx.parameter("instance-class"))
        .members(ClusterMembers.builder().instance((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class")))
            .readers(ctx -> Integer.parseInt(ctx.parameter("readers"))).build())
        .build();
    delete = ReadyClusterFlows.delete(rds).finalSnapshot(ctx -> ctx.instanceId() + "-final").build();
  }

  TagStateMachine engine() {
    return engine("broker-a");
  }

  TagStateMachine engine(String owner) {
    return TagStateMachine.builder(new SdkClusterGateway(rds)).flow(restore).flow(pitr).flow(update).flow(delete)
        .clock(clock).sleeper(clock::advance).settleTime(Duration.ofSeconds(30)).ownerId(owner).build();
  }

  OperationToken restore(TagStateMachine engine) {
    return new ClusterStarter(rds, engine).restoreFromSnapshot(restore, Map.of("snapshot", "nightly"),
        r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly").engine("aurora-postgresql")
            .tags(Tag.builder().key("team").value("payments").build()));
  }

  /** Restores and polls to the end. */
  PollHistory restored(TagStateMachine engine) {
    OperationToken token = restore(engine);
    return pollUntilDone(() -> engine.poll(ID, token));
  }

  PollHistory pollUntilDone(Supplier<OperationStatus> lastOperation) {
    return PollDriver.on(clock).recordingCallsOf(rds).maxPolls(200).build().run(lastOperation);
  }

  DBCluster cluster() {
    return rds.describeDBClusters(r -> r.dbClusterIdentifier(ID)).dbClusters().get(0);
  }

  /** The cluster's tags, library values without their {@code op=<id>} stamp. */
  Map<String, String> tags() {
    return cluster().tagList().stream().collect(Collectors.toMap(Tag::key, t -> t.value().replaceFirst("^op=\\S+ ", ""),
        (x, y) -> y, LinkedHashMap::new));
  }

  String password() {
    return passwords.password(ID, "master");
  }
}
