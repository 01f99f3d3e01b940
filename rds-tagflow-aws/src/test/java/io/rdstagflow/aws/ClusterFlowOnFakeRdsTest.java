package io.rdstagflow.aws;

import static io.rdstagflow.aws.ClusterFixture.ID;
import static io.rdstagflow.aws.ClusterFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.RecordedCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;

/**
 * The ready cluster restore on the test kit's fake RDS, through the cluster gateway: the
 * reference figures, the tags at each stage, the one ModifyDBCluster, and the unhappy paths (bad
 * cluster statuses, a member that fails, a refused modify, throttling and 5xx, a lagging describe,
 * restarts, two pollers), with no secret anywhere.
 */
class ClusterFlowOnFakeRdsTest {

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final ClusterFixture f = new ClusterFixture();

  private static boolean waiting(PollHistory.Poll p) {
    return p.calls().stream().allMatch(c -> c.operation().startsWith("Describe"));
  }

  private static String calls(PollHistory.Poll p) {
    return p.calls().stream().map(RecordedCall::operation).collect(Collectors.joining(","));
  }

  @Test
  void referenceFiguresAtMostTwoCallsPerWaitingPollFourPollsAfterAvailableFifteenCalls() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).as(history.render()).isTrue();
    List<PollHistory.Poll> waitingPolls = history.polls().stream().filter(ClusterFlowOnFakeRdsTest::waiting).toList();
    assertThat(waitingPolls).isNotEmpty().allSatisfy(p -> {
      assertThat(p.calls().size()).isBetween(1, 2);
      assertThat(p.count("DescribeDBClusters")).isEqualTo(1);
      assertThat(p.wrote()).isFalse();
    });
    // Before the writer exists a waiting poll is the cluster alone; once it does, the cluster and its members.
    assertThat(waitingPolls.get(0).calls()).extracting(RecordedCall::operation).containsExactly("DescribeDBClusters");
    assertThat(waitingPolls.get(waitingPolls.size() - 1).calls()).extracting(RecordedCall::operation)
        .containsExactly("DescribeDBClusters", "DescribeDBInstances");
    List<String> moving = history.polls().stream().filter(p -> !waiting(p)).map(ClusterFlowOnFakeRdsTest::calls)
        .toList();
    assertThat(moving).containsExactly(
        "DescribeDBClusters,CreateDBInstance,AddTagsToResource",
        "DescribeDBClusters,DescribeDBInstances,ModifyDBCluster,AddTagsToResource",
        "DescribeDBClusters,DescribeDBInstances,RebootDBInstance,AddTagsToResource",
        "DescribeDBClusters,DescribeDBInstances,AddTagsToResource");
    long flowCalls = 1 + history.polls().stream().filter(p -> !waiting(p)).mapToLong(p -> p.calls().size()).sum();
    assertThat(flowCalls).isEqualTo(15);
    System.out.println("cluster restore: " + history.polls().size() + " polls, " + history.calls().size()
        + " calls (" + flowCalls + " for the flow), " + history.elapsed().toMinutes() + " min");
  }

  @Test
  void tagsAreBornWithTheClusterChangeAtEachStageAndEndAsTheTerminalRecord() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);

    assertThat(f.tags()).containsEntry("team", "payments")
        .containsEntry("tagflow:flow", "v=2 name=restore-cluster-from-snapshot def=1 fp=" + f.restore.fingerprint()
            + " since=" + token.since() + " state=running")
        .containsEntry("tagflow:step:writer", "seq=1 state=pending")
        .containsEntry("tagflow:param:snapshot", "value=nightly");
    assertThat(f.cluster().tagList()).filteredOn(t -> t.key().startsWith("tagflow:"))
        .allSatisfy(t -> assertThat(t.value()).startsWith("op=" + token.operationId().orElseThrow() + " "));

    f.clock.advance(Duration.ofMinutes(10));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step writer started");
    assertThat(f.tags().get("tagflow:step:writer")).startsWith("seq=1 state=started");
    assertThat(f.rds.describeDBInstances(r -> r.dbInstanceIdentifier(WRITER)).dbInstances().get(0).tagList())
        .extracting(t -> t.key()).containsExactly("team"); // the member's own tags, not the flow's
    f.clock.advance(Duration.ofMinutes(3));
    assertThat(engine.poll(ID, token).description()).isEqualTo(
        "instance is available, member " + WRITER + " is creating; next: step writer");
    f.clock.advance(Duration.ofMinutes(4));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
    assertThat(f.tags()).containsEntry("tagflow:step:writer", "seq=1 state=done tries=1")
        .containsEntry("tagflow:step:readers", "seq=2 state=done");
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step reboot started");
    f.clock.advance(Duration.ofMinutes(3));
    OperationStatus end = engine.poll(ID, token);

    assertThat(end).isEqualTo(OperationStatus.succeeded("flow restore-cluster-from-snapshot succeeded"));
    assertThat(f.tags()).containsEntry("team", "payments").containsEntry("tagflow:step:users", "seq=5 state=done")
        .hasEntrySatisfying("tagflow:flow", v -> assertThat(v).contains("state=succeeded ended="));
    assertThat(engine.poll(ID, token)).isEqualTo(end); // the terminal record keeps answering
  }

  @Test
  void settingsAndMasterPasswordTravelInOneModifyDbClusterAndTheMembersAreRebootedToApplyTheGroup() {
    TagStateMachine engine = f.engine();
    f.restored(engine);

    List<ModifyDbClusterRequest> modifies = f.rds.calls().all().stream()
        .filter(c -> c.operation().equals("ModifyDBCluster")).map(c -> (ModifyDbClusterRequest) c.request()).toList();
    assertThat(modifies).singleElement().satisfies(m -> {
      assertThat(m.dbClusterParameterGroupName()).isEqualTo("cpg-broker");
      assertThat(m.backupRetentionPeriod()).isEqualTo(7);
      assertThat(m.masterUserPassword()).isEqualTo(f.password());
      assertThat(m.applyImmediately()).isTrue();
      assertThat(m.vpcSecurityGroupIds()).isEmpty();
    });
    DBCluster cluster = f.cluster();
    assertThat(cluster.dbClusterParameterGroup()).isEqualTo("cpg-broker");
    assertThat(cluster.backupRetentionPeriod()).isEqualTo(7);
    assertThat(cluster.dbClusterMembers()).allSatisfy(m -> assertThat(m.dbClusterParameterGroupStatus())
        .isEqualTo("in-sync"));
    assertThat(f.rds.calls().count("RebootDBInstance")).isEqualTo(1);
    assertThat(f.rds.history(WRITER).orElseThrow().statusSequence()).contains("creating", "available", "rebooting");
    // RDS refuses members of a cluster that is not available: the writer was created once, after.
    assertThat(f.rds.calls().all()).filteredOn(c -> c.operation().equals("CreateDBInstance"))
        .singleElement().satisfies(c -> assertThat(c.threw()).isFalse());
  }

  @Test
  void readersThePlanAsksForAreCreatedAfterTheWriterWithTheirOwnTags() {
    ClusterFixture g = new ClusterFixture(2);
    TagStateMachine engine = g.engine();

    PollHistory history = g.restored(engine);

    assertThat(history.succeeded()).as(history.render()).isTrue();
    List<CreateDbInstanceRequest> creates = g.rds.calls().all().stream()
        .filter(c -> c.operation().equals("CreateDBInstance")).map(c -> (CreateDbInstanceRequest) c.request()).toList();
    assertThat(creates).extracting(CreateDbInstanceRequest::dbInstanceIdentifier)
        .containsExactly(WRITER, ID + "-2", ID + "-3");
    assertThat(g.cluster().dbClusterMembers()).extracting(m -> m.dbInstanceIdentifier() + (m.isClusterWriter() ? "*" : ""))
        .containsExactlyInAnyOrder(WRITER + "*", ID + "-2", ID + "-3");
    assertThat(g.rds.calls().count("RebootDBInstance")).isEqualTo(3);
  }

  @Test
  void throttlingAndServerErrorsAreRiddenOut() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().throttleShare(0.3);
    f.rds.faults().failNext("DescribeDBClusters", "InternalFailure", 500);
    f.rds.faults().failNext("DescribeDBInstances", "InternalFailure", 500);

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).as(history.render()).isTrue();
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description()).contains("Throttling"));
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description()).contains("InternalFailure"));
    assertThat(f.cluster().dbClusterMembers()).hasSize(1);
  }

  @Test
  void aClusterStateFaultOnTheModifyIsTransientAndTheModifyIsSentAgain() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.clock.advance(Duration.ofMinutes(10));
    engine.poll(ID, token);
    f.clock.advance(Duration.ofMinutes(7));
    f.rds.faults().failNext("ModifyDBCluster", "InvalidDBClusterStateFault");

    OperationStatus refused = engine.poll(ID, token);

    assertThat(refused.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(refused.description()).contains("InvalidDBClusterStateFault");
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
    assertThat(f.pollUntilDone(() -> engine.poll(ID, token)).succeeded()).isTrue();
  }

  @Test
  void aModifyRefusedForGoodFailsTheStepWithTheErrorCodeAndNoPasswordAnywhere() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().failNext("ModifyDBCluster", "InvalidParameterCombination");

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).isEqualTo(OperationStatus.failed("step settings failed: InvalidParameterCombination"));
    List<String> secrets = List.of(f.password(), ClusterFixture.SEED);
    assertThat(history.render()).doesNotContain(secrets);
    assertThat(f.tags().toString()).doesNotContain(secrets);
    assertThat(engine.inspect(ID).toString()).doesNotContain(secrets);
    logs.assertNoneContains(secrets);
  }

  @Test
  void aRestoreEndingInABrokenClusterStatusFailsNamingIt() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().failClusterAfter(ID, "incompatible-restore", Duration.ofMinutes(5));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).isEqualTo(
        OperationStatus.failed("flow restore-cluster-from-snapshot failed: instance status incompatible-restore"));
    assertThat(f.rds.calls().count("CreateDBInstance")).isZero();
  }

  @Test
  void aMemberThatFailsFailsTheOperationNamingTheMember() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.clock.advance(Duration.ofMinutes(10));
    engine.poll(ID, token);
    f.rds.faults().failInstanceAfter(WRITER, "failed", Duration.ofMinutes(3));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).isEqualTo(
        OperationStatus.failed("flow restore-cluster-from-snapshot failed: cluster member " + WRITER + " status failed"));
    assertThat(f.rds.calls().count("ModifyDBCluster")).isZero();
    assertThat(engine.pollResult(ID, token).failure()).contains(io.rdstagflow.core.FailureKind.INSTANCE_STATUS);
  }

  @Test
  void aLaggingDescribeNeitherCompletesAStepEarlyNorCreatesASecondWriter() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().describeLag(Duration.ofSeconds(45));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).as(history.render()).isTrue();
    assertThat(f.cluster().dbClusterMembers()).hasSize(1);
    assertThat(f.cluster().dbClusterParameterGroup()).isEqualTo("cpg-broker");
    assertThat(f.rds.history(WRITER).orElseThrow().statusSequence()).contains("rebooting");
  }

  @Test
  void aBrokerRestartedBeforeEveryPollGivesTheSameAnswersAsOneBroker() {
    TagStateMachine one = f.engine();
    OperationToken token = f.restore(one);
    List<OperationStatus> withOne = f.pollUntilDone(() -> one.poll(ID, token)).polls().stream()
        .map(PollHistory.Poll::status).toList();

    ClusterFixture g = new ClusterFixture();
    OperationToken token2 = g.restore(g.engine());
    List<OperationStatus> restarted = g.pollUntilDone(() -> g.engine("restarted-" + g.clock.instant().getEpochSecond())
        .poll(ID, token2)).polls().stream().map(PollHistory.Poll::status).toList();

    assertThat(restarted).isEqualTo(withOne);
    assertThat(withOne.get(withOne.size() - 1).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void twoEnginesPollingTheSameClusterFinishItWithEachActionOnce() {
    TagStateMachine a = f.engine("broker-a");
    TagStateMachine b = f.engine("broker-b");
    OperationToken token = f.restore(a);

    PollHistory history = f.pollUntilDone(() -> {
      OperationStatus fromA = a.poll(ID, token);
      OperationStatus fromB = b.poll(ID, token);
      return fromA.isFinal() ? fromA : fromB;
    });

    assertThat(history.succeeded()).isTrue();
    assertThat(f.rds.calls().count("CreateDBInstance")).isEqualTo(1);
    assertThat(f.rds.calls().count("ModifyDBCluster")).isEqualTo(1);
    assertThat(f.rds.calls().count("RebootDBInstance")).isEqualTo(1);
  }

  @Test
  void aRestoreToAPointInTimeRunsTheSameSteps() {
    TagStateMachine engine = f.engine();
    OperationToken token = new ClusterStarter(f.rds, engine).restoreToPointInTime(f.pitr, Map.of(),
        r -> r.dbClusterIdentifier(ID).sourceDBClusterIdentifier("source").useLatestRestorableTime(true));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).isEqualTo(OperationStatus.succeeded(
        "flow restore-cluster-to-point-in-time succeeded"));
    assertThat(f.cluster().backupRetentionPeriod()).isEqualTo(7);
    assertThat(f.cluster().dbClusterMembers()).singleElement()
        .satisfies(m -> assertThat(m.dbInstanceIdentifier()).isEqualTo(WRITER));
  }

  @Test
  void theMasterPasswordAndTheSeedAppearInNoTagLogLineOrDescription() {
    TagStateMachine engine = f.engine();
    PollHistory history = f.restored(engine);

    List<String> secrets = List.of(f.password(), ClusterFixture.SEED);
    logs.assertNoneContains(secrets);
    assertThat(history.render()).doesNotContain(secrets);
    assertThat(f.rds.report()).doesNotContain(secrets);
    assertThat(f.rds.calls().render()).doesNotContain(secrets);
    assertThat(f.cluster().toString()).doesNotContain(secrets);
    assertThat(new SdkClusterGateway(f.rds).describe(ID).orElseThrow().toString()).doesNotContain(secrets);
  }

  @Test
  void aServerlessV2CapacityIsSetOnceAndVerifiedOnTheDescribe() {
    Flow serverless = ReadyClusterFlows.restoreFromSnapshot(f.rds)
        .members(ClusterMembers.builder().instance(b -> b.dbInstanceClass("db.serverless")).build())
        .settings(b -> b.serverlessV2ScalingConfiguration(c -> c.minCapacity(0.5).maxCapacity(8.0)))
        .masterPassword(f.passwords)
        .build();
    TagStateMachine engine = TagStateMachine.builder(new SdkClusterGateway(f.rds)).flow(serverless).clock(f.clock)
        .settleTime(Duration.ofSeconds(30)).build();
    OperationToken token = new ClusterStarter(f.rds, engine).restoreFromSnapshot(serverless, Map.of(),
        r -> r.dbClusterIdentifier(ID).snapshotIdentifier("nightly").engine("aurora-postgresql")
            .serverlessV2ScalingConfiguration(c -> c.minCapacity(0.5).maxCapacity(2.0)));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).as(history.render()).isTrue();
    assertThat(f.cluster().serverlessV2ScalingConfiguration().maxCapacity()).isEqualTo(8.0);
    assertThat(f.rds.calls().all()).filteredOn(c -> c.operation().equals("ModifyDBCluster")).singleElement()
        .satisfies(c -> assertThat(((ModifyDbClusterRequest) c.request()).serverlessV2ScalingConfiguration()
            .maxCapacity()).isEqualTo(8.0));
  }
}
