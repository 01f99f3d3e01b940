package io.rdstagflow.aws;

import static io.rdstagflow.aws.RestoreFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

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
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/** The ready restore flow through the SDK gateway on the test kit's fake RDS: real waits, faults, restarts. */
class RestoreFlowOnFakeRdsTest {

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private final RestoreFixture f = new RestoreFixture();

  private static long nonWaiting(PollHistory history) {
    return history.polls().stream().filter(p -> p.calls().size() > 1).count();
  }

  @Test
  void referenceFiguresOneCallPerWaitingPollThreePollsAfterAvailableNineCalls() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).isTrue();
    List<PollHistory.Poll> waiting = history.polls().stream().filter(p -> p.calls().size() <= 1).toList();
    assertThat(waiting).isNotEmpty().allSatisfy(p -> {
      assertThat(p.count("DescribeDBInstances")).isEqualTo(1);
      assertThat(p.wrote()).isFalse();
    });
    long restoreCall = 1;
    long flowCalls = restoreCall + history.polls().stream().filter(p -> p.calls().size() > 1)
        .mapToLong(p -> p.calls().size()).sum();
    assertThat(nonWaiting(history)).isEqualTo(3);
    assertThat(flowCalls).isEqualTo(9);
    List<String> moving = history.polls().stream().filter(p -> p.calls().size() > 1)
        .map(p -> p.calls().stream().map(RecordedCall::operation).collect(Collectors.joining(",")))
        .toList();
    assertThat(moving).containsExactly(
        "DescribeDBInstances,ModifyDBInstance,AddTagsToResource",
        "DescribeDBInstances,RebootDBInstance,AddTagsToResource",
        "DescribeDBInstances,AddTagsToResource");
  }

  @Test
  void tagsAreBornWithTheInstanceChangeAtEachStageAndEndAsTheTerminalRecord() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    Map<String, String> born = tags();
    assertThat(born).containsEntry("team", "payments")
        .containsEntry("tagflow:flow", "v=2 name=restore-from-snapshot def=1 fp=" + f.flow.fingerprint()
            + " since=" + token.since() + " state=running")
        .containsEntry("tagflow:step:settings", "seq=1 state=pending")
        .containsEntry("tagflow:param:snapshot", "value=nightly");
    assertThat(f.rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0).tagList())
        .filteredOn(t -> t.key().startsWith("tagflow:"))
        .allSatisfy(t -> assertThat(t.value()).startsWith("op=" + token.operationId().orElseThrow() + " "));

    f.clock.advance(Duration.ofMinutes(10));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
    assertThat(tags().get("tagflow:step:settings")).startsWith("seq=1 state=started");
    f.clock.advance(Duration.ofMinutes(3));
    assertThat(engine.poll(ID, token).description()).startsWith("instance is resetting-master-credentials");
    f.clock.advance(Duration.ofMinutes(2));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step reboot started");
    assertThat(tags().get("tagflow:step:settings")).isEqualTo("seq=1 state=done tries=1");
    f.clock.advance(Duration.ofMinutes(3));
    OperationStatus end = engine.poll(ID, token);

    assertThat(end.state()).isEqualTo(State.SUCCEEDED);
    assertThat(tags()).containsEntry("team", "payments")
        .containsEntry("tagflow:step:users", "seq=3 state=done")
        .hasEntrySatisfying("tagflow:flow", v -> assertThat(v).contains("state=succeeded ended="));
  }

  @Test
  void settingsAndMasterPasswordTravelInOneModifyThatSendsOnlyWhatDiffers() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);

    f.pollUntilDone(() -> engine.poll(ID, token));

    List<RecordedCall> modifies = f.rds.calls().all().stream()
        .filter(c -> c.operation().equals("ModifyDBInstance")).toList();
    assertThat(modifies).hasSize(1);
    ModifyDbInstanceRequest modify = (ModifyDbInstanceRequest) modifies.get(0).request();
    assertThat(modify.dbParameterGroupName()).isEqualTo("pg-custom");
    assertThat(modify.backupRetentionPeriod()).isEqualTo(7);
    assertThat(modify.masterUserPassword()).isEqualTo(f.password());
    assertThat(modify.applyImmediately()).isTrue();
    assertThat(modify.multiAZ()).isNull();
    assertThat(modify.dbInstanceClass()).isNull();
  }

  @Test
  void throttlingAndServerErrorsAreRiddenOut() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().throttleShare(0.3);
    f.rds.faults().failNext("DescribeDBInstances", "InternalFailure", 500);

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).isTrue();
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description()).contains("Throttling"));
    assertThat(history.polls()).anySatisfy(p -> assertThat(p.status().description()).contains("InternalFailure"));
    // At least once: a reboot is repeated only when the tag write after it failed.
    long reboots = 0;
    long unrecorded = 0;
    for (PollHistory.Poll poll : history.polls()) {
      boolean rebooted = poll.calls().stream().anyMatch(c -> c.operation().equals("RebootDBInstance") && !c.threw());
      reboots += rebooted ? 1 : 0;
      unrecorded += rebooted && poll.calls().stream()
          .anyMatch(c -> c.operation().equals("AddTagsToResource") && c.threw()) ? 1 : 0;
    }
    assertThat(reboots).isBetween(1L, 1L + unrecorded);
  }

  @Test
  void invalidStateOnModifyIsTransientAndTheModifyIsSentAgain() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.clock.advance(Duration.ofMinutes(10));
    f.rds.faults().failNext("ModifyDBInstance", "InvalidDBInstanceState");

    OperationStatus first = engine.poll(ID, token);

    assertThat(first.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(first.description()).contains("InvalidDBInstanceState");
    assertThat(tags().get("tagflow:step:settings")).startsWith("seq=1 state=running since=")
        .contains("reason=transient error InvalidDBInstanceState");
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
    assertThat(f.pollUntilDone(() -> engine.poll(ID, token)).succeeded()).isTrue();
  }

  @Test
  void describeLagDoesNotCompleteAStepEarlyOrLoseIt() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().describeLag(Duration.ofSeconds(45));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.succeeded()).isTrue();
    assertThat(f.rds.calls().count("RebootDBInstance")).isGreaterThanOrEqualTo(1);
    assertThat(f.rds.history(ID).orElseThrow().statusSequence()).contains("rebooting");
  }

  @Test
  void restoreEndingIncompatibleFailsNamingTheStatus() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.rds.faults().failInstanceAfter(ID, "incompatible-restore", Duration.ofMinutes(5));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(history.finalStatus()).isEqualTo(
        OperationStatus.failed("flow restore-from-snapshot failed: instance status incompatible-restore"));
    assertThat(tags().get("tagflow:flow")).contains("state=failed ended=")
        .endsWith("reason=flow restore-from-snapshot failed: instance status incompatible-restore");
  }

  @Test
  void brokerRestartedBeforeEveryPollGivesTheSameAnswersAsOneBroker() {
    TagStateMachine one = f.engine();
    OperationToken token = f.restore(one);
    List<OperationStatus> withOne = f.pollUntilDone(() -> one.poll(ID, token)).polls().stream()
        .map(PollHistory.Poll::status).toList();

    RestoreFixture g = new RestoreFixture();
    OperationToken token2 = g.restore(g.engine());
    List<OperationStatus> restarted = g.pollUntilDone(() -> g.engine("restarted-" + g.clock.instant().getEpochSecond())
        .poll(ID, token2)).polls().stream().map(PollHistory.Poll::status).toList();

    assertThat(restarted).isEqualTo(withOne);
  }

  @Test
  void twoEnginesPollingTheSameInstanceFinishItWithEachActionOnce() {
    TagStateMachine a = f.engine("broker-a");
    TagStateMachine b = f.engine("broker-b");
    OperationToken token = f.restore(a);

    PollHistory history = f.pollUntilDone(() -> {
      OperationStatus fromA = a.poll(ID, token);
      OperationStatus fromB = b.poll(ID, token);
      return fromA.isFinal() ? fromA : fromB;
    });

    assertThat(history.succeeded()).isTrue();
    assertThat(f.rds.calls().count("ModifyDBInstance")).isEqualTo(1);
    assertThat(f.rds.calls().count("RebootDBInstance")).isEqualTo(1);
  }

  @Test
  void deletionIsPolledUntilTheInstanceIsGone() {
    TagStateMachine engine = f.engine();
    OperationToken restore = f.restore(engine);
    f.pollUntilDone(() -> engine.poll(ID, restore));

    OperationToken deletion = new RdsStarter(f.rds, engine).delete(ID, d -> d.skipFinalSnapshot(true));
    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, deletion));

    assertThat(history.succeeded()).isTrue();
    assertThat(history.polls().get(0).status().description()).isEqualTo("instance is deleting");
    assertThat(deletion.encode()).startsWith("tagflow/2/deletion/");
  }

  @Test
  void theMasterPasswordAndTheSeedAppearInNoTagLogLineOrDescription() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    List<String> secrets = List.of(f.password(), RestoreFixture.SEED);
    logs.assertNoneContains(secrets);
    assertThat(history.render()).doesNotContain(secrets);
    assertThat(f.rds.report()).doesNotContain(secrets);
    assertThat(f.rds.calls().render()).doesNotContain(secrets);
    assertThat(f.rds.history(ID).orElseThrow().toString()).doesNotContain(secrets);
    assertThat(f.passwords.toString()).doesNotContain(secrets);
    DBInstance db = f.rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0);
    assertThat(db.toString()).doesNotContain(secrets);
  }

  @Test
  void aModifyRefusedForGoodFailsTheStepWithTheErrorCodeAndNoPasswordAnywhere() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore(engine);
    f.clock.advance(Duration.ofMinutes(10));
    f.rds.faults().failNext("ModifyDBInstance", "InvalidParameterCombination");

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).as("the AWS code alone: no request id for the platform's end users")
        .isEqualTo("step settings failed: InvalidParameterCombination");
    assertThat(logs.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN")
        .contains("InvalidParameterCombination").containsPattern("request id [0-9a-f-]+"));
    List<String> secrets = List.of(f.password(), RestoreFixture.SEED);
    assertThat(status.toString()).doesNotContain(secrets);
    assertThat(tags().toString()).doesNotContain(secrets);
    assertThat(engine.inspect(ID).toString()).doesNotContain(secrets);
    logs.assertNoneContains(secrets);
  }

  /** The instance's tags, library values without their {@code op=<id>} stamp. */
  private Map<String, String> tags() {
    return f.rds.describeDBInstances(r -> r.dbInstanceIdentifier(ID)).dbInstances().get(0).tagList().stream()
        .collect(Collectors.toMap(t -> t.key(), t -> t.value().replaceFirst("^op=\\S+ ", ""), (x, y) -> y,
            java.util.LinkedHashMap::new));
  }
}
