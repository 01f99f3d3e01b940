package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.aws.osb.LastOperation;
import io.rdstagflow.aws.osb.LastOperationAnswer;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RetryPolicy;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The ready cluster flows as built (their steps in order, what each builder requires), the
 * starter's requests, the cluster engine of {@link RdsTagflow}, and a deletion flow's success
 * answered as a deletion's.
 */
class ReadyClusterFlowsTest {

  private final ScriptedRds rds = new ScriptedRds();
  private final VirtualClock clock = VirtualClock.create();
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("ready-cluster-seed-0123456789ab");
  private final ClusterMembers members = ClusterMembers.builder().instance(b -> b.dbInstanceClass("db.r6g.large"))
      .build();

  private static List<String> names(Flow flow) {
    return flow.steps().stream().map(Step::name).toList();
  }

  private static final Step EXTRA = new Step() {
    @Override
    public String name() {
      return "create-extension";
    }

    @Override
    public StepResult run(StepContext context) {
      return StepResult.done();
    }
  };

  @Test
  void theRestoreFlowsCreateTheMembersThenModifyRebootAndResetUsersThenTheirExtras() {
    Flow snapshot = ReadyClusterFlows.restoreFromSnapshot(rds.client).members(members).masterPassword(passwords)
        .then(EXTRA).build();
    Flow pitr = ReadyClusterFlows.using(rds.client).restoreToPointInTime().members(members).managedMasterPassword()
        .version(3).retryPolicy(RetryPolicy.maxAttempts(2)).stepDeadline(Deadline.of(Duration.ofHours(4)))
        .flowDeadline(Deadline.of(Duration.ofDays(2))).build();

    assertThat(snapshot.name()).isEqualTo("restore-cluster-from-snapshot");
    assertThat(names(snapshot)).containsExactly("writer", "readers", "settings", "reboot", "users", "create-extension");
    assertThat(pitr.name()).isEqualTo("restore-cluster-to-point-in-time");
    assertThat(names(pitr)).containsExactly("writer", "readers", "settings", "reboot", "users");
    assertThat(pitr.version()).isEqualTo(3);
    assertThat(pitr.policy(0).retry().maxAttempts()).isEqualTo(2);
    assertThat(snapshot.isDeletion()).isFalse();
  }

  @Test
  void aRestoreNeedsItsMembersAndAPasswordChoice() {
    assertThatThrownBy(() -> ReadyClusterFlows.restoreFromSnapshot(rds.client).masterPassword(passwords).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs members(...)");
    assertThatThrownBy(() -> ReadyClusterFlows.restoreFromSnapshot(rds.client).members(members).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("masterPassword(source) or managedMasterPassword()");
  }

  @Test
  void thePlanUpdateChangesSettingsReadersClassesThenRebootsAndNeedsItsClass() {
    Flow plain = ReadyClusterFlows.updatePlan(rds.client).instanceClass(ctx -> ctx.parameter("class")).build();
    Flow withReaders = ReadyClusterFlows.updatePlan(rds.client).instanceClass(ctx -> ctx.parameter("class"))
        .members(members).settings(b -> b.backupRetentionPeriod(14)).build();

    assertThat(plain.name()).isEqualTo("update-cluster-plan");
    assertThat(names(plain)).containsExactly("settings", "instance-class", "reboot");
    assertThat(names(withReaders)).containsExactly("settings", "readers", "instance-class", "reboot");
    assertThatThrownBy(() -> ReadyClusterFlows.updatePlan(rds.client).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs instanceClass(...)");
  }

  @Test
  void theDeletionIsADeletionFlowOfMembersThenClusterAndNeedsASnapshotChoice() {
    Flow delete = ReadyClusterFlows.delete(rds.client).skipFinalSnapshot().build();
    Flow kept = ReadyClusterFlows.using(rds.client).delete().finalSnapshot(ctx -> ctx.instanceId() + "-final")
        .request((ctx, b) -> b.deleteAutomatedBackups(false)).build();

    assertThat(delete.name()).isEqualTo("delete-cluster");
    assertThat(names(delete)).containsExactly("members", "cluster");
    assertThat(delete.isDeletion()).isTrue();
    assertThat(kept.isDeletion()).isTrue();
    assertThatThrownBy(() -> ReadyClusterFlows.delete(rds.client).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("finalSnapshot(...) or skipFinalSnapshot()");
  }

  @Test
  void theStarterRestoresWithTheFlowsTagsInTheRequestAndDeletesOnlyWithADeletionFlow() {
    RdsTagflow tagflow = RdsTagflow.builder(rds.client)
        .clusterFlow(ready -> ready.restoreFromSnapshot().members(members).masterPassword(passwords).build())
        .clusterFlow(ready -> ready.delete().skipFinalSnapshot().build())
        .engine(b -> b.clock(clock))
        .build();

    OperationToken token = tagflow.clusterStarter().restoreFromSnapshot(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT,
        Map.of("snapshot", "nightly"), r -> r.dbClusterIdentifier("c-1").snapshotIdentifier("nightly")
            .engine("aurora-postgresql").tags(Tag.builder().key("team").value("payments").build()));

    RestoreDbClusterFromSnapshotRequest sent = rds.requests(RestoreDbClusterFromSnapshotRequest.class).get(0);
    assertThat(sent.tags()).extracting(Tag::key).containsExactlyInAnyOrder("team", "tagflow:flow",
        "tagflow:param:snapshot", "tagflow:step:writer", "tagflow:step:readers", "tagflow:step:settings",
        "tagflow:step:reboot", "tagflow:step:users");
    assertThat(token.flowName()).contains(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT);
    assertThat(tagflow.clusterFlows()).extracting(Flow::name).containsExactly("restore-cluster-from-snapshot",
        "delete-cluster");
    assertThatThrownBy(() -> tagflow.clusterStarter().delete("c-1", tagflow.clusterFlow(
        ReadyClusterFlows.RESTORE_FROM_SNAPSHOT), Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a deletion flow");
    assertThatThrownBy(tagflow::engine).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no instance flow is registered");
    assertThatThrownBy(tagflow::starter).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anInstanceOnlyWiringHasNoClusterEngine() {
    RdsTagflow tagflow = RdsTagflow.builder(rds.client)
        .flow(ready -> ready.updatePlan().settings(b -> b.dbInstanceClass("db.t3.large")).build()).build();
    assertThatThrownBy(tagflow::clusterEngine).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no cluster flow is registered");
    assertThatThrownBy(tagflow::clusterStarter).isInstanceOf(IllegalStateException.class);
    assertThat(tagflow.clusterFlows()).isEmpty();
  }

  @Test
  void aDeletionFlowThatSucceededIsAnswered410AsADeletionIs() {
    Flow delete = ReadyClusterFlows.delete(rds.client).skipFinalSnapshot().build();
    TagStateMachine engine = TagStateMachine.builder(new SdkClusterGateway(rds.client)).flow(delete).clock(clock)
        .build();
    OperationToken token = OperationToken.forFlow(delete.name(), delete.version(), clock.instant(), "0t8dvo0r7");
    rds.answer("describeDBClusters", DbClusterNotFoundException.builder().message("gone")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBClusterNotFoundFault").build()).build());
    clock.advance(Duration.ofHours(1));

    LastOperationAnswer answer = LastOperation.of(engine).answer("c-1", token.encode());

    assertThat(answer.httpStatus()).isEqualTo(LastOperationAnswer.GONE);
    assertThat(answer.state()).isEqualTo("succeeded");
    assertThat(answer.description()).isEqualTo("instance c-1 is gone");
    // Still there: in progress, 200.
    rds.answer("describeDBClusters", DescribeDbClustersResponse.builder().dbClusters(DBCluster.builder()
        .dbClusterIdentifier("c-1").dbClusterArn("arn:aws:rds:eu-west-1:1:cluster:c-1").status("deleting").build())
        .build());
    assertThat(LastOperation.of(engine).answer("c-1", token.encode()).httpStatus()).isEqualTo(LastOperationAnswer.OK);
  }
}
