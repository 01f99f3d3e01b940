package io.rdstagflow.aws;

import static io.rdstagflow.aws.ClusterFixture.ID;
import static io.rdstagflow.aws.ClusterFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.aws.osb.LastOperation;
import io.rdstagflow.aws.osb.LastOperationAnswer;
import io.rdstagflow.core.Begun;
import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.RecordedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The ready cluster plan update and deletion on the fake: the members' class changed one at a
 * time with the writer last, readers the new plan adds, a refused member modify; the members
 * deleted, then the cluster with its final snapshot, polled until it is gone and answered 410, also
 * from a broken status; restarts and two pollers.
 */
class ClusterUpdateAndDeletionOnFakeRdsTest {

  private static final String BIGGER = "db.r6g.xlarge";

  private final ClusterFixture f = new ClusterFixture(2);
  private CallLog.Mark mark;

  private TagStateMachine restored() {
    TagStateMachine engine = f.engine();
    assertThat(f.restored(engine).succeeded()).isTrue();
    mark = f.rds.calls().mark();
    return engine;
  }

  /** The calls since the restore ended (all of them without a restore). */
  private List<RecordedCall> calls() {
    return mark == null ? f.rds.calls().all() : f.rds.calls().since(mark);
  }

  private long count(String operation) {
    return calls().stream().filter(c -> c.operation().equals(operation)).count();
  }

  private List<DBInstance> members() {
    return f.rds.describeDBInstances(r -> r.filters(x -> x.name("db-cluster-id").values(ID))).dbInstances();
  }

  /** When each member was modifying, from the fake's histories: [start, end) per member. */
  private Map<String, Instant[]> modifyingSpans() {
    Map<String, Instant[]> spans = new java.util.LinkedHashMap<>();
    for (DBInstance db : members()) {
      List<InstanceHistory.StatusChange> changes = f.rds.history(db.dbInstanceIdentifier()).orElseThrow().statuses();
      for (int i = 0; i < changes.size(); i++) {
        if (changes.get(i).status().equals("modifying")) {
          Instant end = i + 1 < changes.size() ? changes.get(i + 1).at() : Instant.MAX;
          spans.put(db.dbInstanceIdentifier(), new Instant[] {changes.get(i).at(), end});
        }
      }
    }
    return spans;
  }

  @Test
  void thePlanUpdateChangesOneMemberAtATimeReadersFirstTheWriterLast() {
    TagStateMachine engine = restored();

    OperationToken token = engine.begin(ID, ReadyClusterFlows.UPDATE_PLAN, Map.of("instance-class", BIGGER,
        "readers", "2"));
    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).as(history.render())
        .isEqualTo(OperationStatus.succeeded("flow update-cluster-plan succeeded"));
    List<String> modified = calls().stream().filter(c -> c.operation().equals("ModifyDBInstance"))
        .map(c -> ((ModifyDbInstanceRequest) c.request()).dbInstanceIdentifier()).toList();
    assertThat(modified).containsExactly(ID + "-2", ID + "-3", WRITER);
    assertThat(members()).allSatisfy(db -> assertThat(db.dbInstanceClass()).isEqualTo(BIGGER));
    List<Instant[]> spans = new ArrayList<>(modifyingSpans().values());
    spans.sort(java.util.Comparator.comparing(span -> span[0]));
    assertThat(modifyingSpans().get(WRITER)[0]).isEqualTo(spans.get(2)[0]);
    assertThat(spans).hasSize(3);
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i)[0]).as("member %s modifies only after the one before it is done", i)
          .isAfterOrEqualTo(spans.get(i - 1)[1]);
    }
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description())
        .isEqualTo("step instance-class waiting: member " + ID + "-3 is changing to " + BIGGER + "; 1 more after it"));
    assertThat(count("ModifyDBCluster")).isZero(); // no cluster setting in this plan
  }

  @Test
  void aPlanWithMoreReadersCreatesThemOnTheNewClassAndChangesTheOthers() {
    TagStateMachine engine = restored();

    Begun begun = engine.beginAndPoll(ID, ReadyClusterFlows.UPDATE_PLAN, Map.of("instance-class", BIGGER,
        "readers", "3"));
    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, begun.token()));

    assertThat(begun.status().description()).isEqualTo("step readers started");
    assertThat(history.succeeded()).as(history.render()).isTrue();
    assertThat(members()).extracting(DBInstance::dbInstanceIdentifier).containsExactlyInAnyOrder(WRITER, ID + "-2",
        ID + "-3", ID + "-4");
    assertThat(members()).allSatisfy(db -> assertThat(db.dbInstanceClass()).isEqualTo(BIGGER));
    assertThat(count("CreateDBInstance")).isEqualTo(1);
    assertThat(count("ModifyDBInstance")).isEqualTo(3);
  }

  @Test
  void aMemberModifyRefusedForGoodFailsTheUpdateLeavingTheClusterUsable() {
    TagStateMachine engine = restored();
    f.rds.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");

    OperationToken token = engine.begin(ID, ReadyClusterFlows.UPDATE_PLAN, Map.of("instance-class", "db.nope",
        "readers", "2"));
    f.pollUntilDone(() -> engine.poll(ID, token));
    LastOperationAnswer answer = LastOperation.builder(engine).updateFlows(List.of(ReadyClusterFlows.UPDATE_PLAN))
        .build().answer(ID, token.encode());

    assertThat(answer.state()).isEqualTo("failed");
    assertThat(answer.description()).isEqualTo("step instance-class failed: InvalidParameterCombination");
    assertThat(answer.instanceUsable()).contains(true);
    assertThat(answer.updateRepeatable()).contains(true);
    assertThat(members()).allSatisfy(db -> assertThat(db.dbInstanceClass()).isEqualTo("db.r6g.large"));
  }

  @Test
  void aRestartedBrokerFinishesTheUpdateWithEachMemberModifiedOnce() {
    restored();
    TagStateMachine first = f.engine("broker-a");
    OperationToken token = first.begin(ID, ReadyClusterFlows.UPDATE_PLAN, Map.of("instance-class", BIGGER,
        "readers", "2"));

    PollHistory history = f.pollUntilDone(() -> f.engine("restarted-" + f.clock.instant().getEpochSecond())
        .poll(ID, token));

    assertThat(history.succeeded()).isTrue();
    assertThat(count("ModifyDBInstance")).isEqualTo(3);
  }

  @Test
  void theDeletionDeletesTheMembersThenTheClusterWithItsFinalSnapshotAndIsGoneThen410() {
    TagStateMachine engine = restored();

    OperationToken token = new ClusterStarter(f.rds, engine).delete(ID, ReadyClusterFlows.DELETE, Map.of());

    assertThat(calls()).extracting(RecordedCall::operation).containsExactly(
        "DescribeDBClusters", "DescribeDBInstances", "AddTagsToResource", "RemoveTagsFromResource", // begin, the
        // restore's step tags replaced
        "DescribeDBClusters", "DescribeDBInstances", "DeleteDBInstance", "DeleteDBInstance", "DeleteDBInstance",
        "AddTagsToResource"); // its first poll, in the same request
    List<String> order = calls().stream().filter(c -> c.operation().equals("DeleteDBInstance"))
        .map(c -> ((DeleteDbInstanceRequest) c.request()).dbInstanceIdentifier()).toList();
    assertThat(order).containsExactly(ID + "-2", ID + "-3", WRITER);
    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).as(history.render())
        .isEqualTo(OperationStatus.succeeded("instance " + ID + " is gone"));
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description()).contains("is deleting"));
    List<DeleteDbClusterRequest> deletes = calls().stream()
        .filter(c -> c.operation().equals("DeleteDBCluster")).map(c -> (DeleteDbClusterRequest) c.request()).toList();
    assertThat(deletes).singleElement().satisfies(d -> {
      assertThat(d.finalDBSnapshotIdentifier()).isEqualTo(ID + "-final");
      assertThat(d.skipFinalSnapshot()).isFalse();
    });
    assertThat(calls()).filteredOn(c -> c.operation().startsWith("Delete")).allSatisfy(c ->
        assertThat(c.threw()).as("RDS never refused a deletion: members first, then the cluster").isFalse());
    assertThat(f.rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(ID + "-final"))
        .dbClusterSnapshots()).hasSize(1);
    LastOperation answers = LastOperation.of(engine);
    assertThat(answers.answer(ID, token.encode()).httpStatus()).isEqualTo(LastOperationAnswer.GONE);
    assertThat(answers.answer(ID, token.encode()).httpStatus()).isEqualTo(LastOperationAnswer.GONE);
  }

  @Test
  void aClusterInABrokenStatusIsDeletedAllTheSame() {
    TagStateMachine engine = restored();
    f.rds.faults().failInstance(ID + "-2", "failed");
    f.rds.faults().failCluster(ID, "inaccessible-encryption-credentials");

    OperationToken token = new ClusterStarter(f.rds, engine).delete(ID, ReadyClusterFlows.DELETE, Map.of());
    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).as(history.render()).isTrue();
    assertThat(f.rds.clusterHistory(ID).orElseThrow().statusSequence()).contains("deleting");
  }

  @Test
  void aDeletionIsRefusedWhileAnotherOperationRunsAndForAClusterThatDoesNotExist() {
    TagStateMachine engine = f.engine();
    OperationToken restoring = f.restore(engine);
    ClusterStarter starter = new ClusterStarter(f.rds, engine);

    assertThatThrownBy(() -> starter.delete(ID, ReadyClusterFlows.DELETE, Map.of()))
        .isInstanceOf(ConcurrentOperationException.class);
    assertThatThrownBy(() -> starter.delete("nope", ReadyClusterFlows.DELETE, Map.of()))
        .isInstanceOf(InstanceNotFoundException.class);
    assertThat(f.pollUntilDone(() -> engine.poll(ID, restoring)).succeeded()).isTrue();
  }

  @Test
  void aDeletionRestartedAndPolledByTwoBrokersDeletesEachThingOnce() {
    restored();
    OperationToken token = new ClusterStarter(f.rds, f.engine("broker-a")).delete(ID, ReadyClusterFlows.DELETE,
        Map.of());

    PollHistory history = f.pollUntilDone(() -> {
      long at = f.clock.instant().getEpochSecond();
      OperationStatus a = f.engine("a-" + at).poll(ID, token);
      OperationStatus b = f.engine("b-" + at).poll(ID, token);
      return a.isFinal() ? a : b;
    });

    assertThat(history.succeeded()).isTrue();
    assertThat(count("DeleteDBInstance")).isEqualTo(3);
    assertThat(count("DeleteDBCluster")).isEqualTo(1);
  }

  @Test
  void withoutAFinalSnapshotTheClusterIsDeletedSkippingIt() {
    TagStateMachine engine = TagStateMachine.builder(new SdkClusterGateway(f.rds)).flow(f.restore)
        .flow(ReadyClusterFlows.delete(f.rds).skipFinalSnapshot().build()).clock(f.clock).build();
    assertThat(f.restored(engine).succeeded()).isTrue();

    OperationToken token = new ClusterStarter(f.rds, engine).delete(ID, ReadyClusterFlows.DELETE, Map.of());
    assertThat(f.pollUntilDone(() -> engine.poll(ID, token)).succeeded()).isTrue();

    assertThat(calls().stream().filter(c -> c.operation().equals("DeleteDBCluster"))
        .map(c -> (DeleteDbClusterRequest) c.request()).collect(Collectors.toList()))
        .singleElement().satisfies(d -> assertThat(d.skipFinalSnapshot()).isTrue());
  }

  @Test
  void aDeletionOfAClusterWhoseRestoreFailedUnpolledEndsTheRestoreFirstThenBegins() {
    TagStateMachine engine = f.engine();
    OperationToken restore = f.restore(engine);
    f.clock.advance(Duration.ofMinutes(10));
    engine.poll(ID, restore); // the writer is created; then the platform stops polling
    f.clock.advance(Duration.ofMinutes(8));
    f.rds.faults().failInstance(WRITER, "failed");
    assertThat(engine.runningOperation(ID)).as("nobody polled the failure: the tags say running").isPresent();

    OperationToken deletion = new ClusterStarter(f.rds, engine).delete(ID, ReadyClusterFlows.DELETE, Map.of());

    assertThat(engine.inspect(ID).operation().orElseThrow().flowName()).isEqualTo(ReadyClusterFlows.DELETE);
    assertThat(f.pollUntilDone(() -> engine.poll(ID, deletion)).succeeded()).isTrue();
    assertThat(engine.poll(ID, restore).state()).isEqualTo(OperationStatus.State.FAILED);
  }
}
