package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.ADD_TAGS;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.DESCRIBE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.REMOVE_TAGS;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** poll-scenarios.md, "The happy path", rows 1 to 9. */
class HappyPathScenariosTest {

  private final EngineFixture f = new EngineFixture();
  private TagStateMachine engine;
  private OperationToken token;

  @BeforeEach
  void restore() {
    engine = f.engine();
    token = f.restore();
    f.rds.resetCounts();
  }

  /** Brings the flow to row 6's state: settings started more than S ago, instance available. */
  private void settingsStartedAndSettled() {
    f.status("available");
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(30));
    f.rds.resetCounts();
  }

  @Test
  void row1_startTagsHoldTheFlowAndEveryStepPendingAndTheParameters() {
    String op = f.opId();
    assertThat(f.rds.tags(ID)).containsAllEntriesOf(Map.of(
        "tagflow:flow", "op=" + op + " v=2 name=restore-from-snapshot def=1 fp=" + f.flow.fingerprint()
            + " since=2026-11-24T10:00:00Z state=running",
        "tagflow:step:settings", "op=" + op + " seq=1 state=pending",
        "tagflow:step:reboot", "op=" + op + " seq=2 state=pending",
        "tagflow:step:users", "op=" + op + " seq=3 state=pending",
        "tagflow:param:snapshot", "op=" + op + " value=snap-1"));
    assertThat(f.flowTags()).hasSize(5);
    assertThat(token.encode()).isEqualTo("tagflow/2/flow/restore-from-snapshot/1/2026-11-24T10:00:00Z/" + op);
    assertThat(f.rds.tags(ID)).containsEntry("team", "payments");
  }

  @Test
  void row2_creatingInstanceIsInProgressWithOneDescribeAndNoWrite() {
    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.description()).contains("creating");
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.writes()).isZero();
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row3_availableInstanceStartsTheFirstStepAndRecordsItInOneWrite() {
    f.status("available");

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(1);
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=started since=2026-11-24T10:00:00Z tries=1");
  }

  @Test
  void row4_startedStepWithinSettleTimeWaitsWithoutWriting() {
    f.status("available");
    engine.poll(ID, token);
    f.rds.resetCounts();
    f.advance(SETTLE.minusSeconds(1));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.retryAfter()).contains(Duration.ofSeconds(1));
    assertThat(f.rds.totalCalls()).isEqualTo(1);
    assertThat(f.tag("step:settings")).contains("state=started");
  }

  @Test
  void row5_busyInstanceIsInProgressWithItsStatusAndNoWrite() {
    f.status("available");
    engine.poll(ID, token);
    f.rds.resetCounts();
    f.advance(Duration.ofMinutes(2));
    for (String busy : new String[] {"modifying", "resetting-master-credentials"}) {
      f.status(busy);

      OperationStatus status = engine.poll(ID, token);

      assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
      assertThat(status.description()).contains(busy);
    }
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(2);
    assertThat(f.rds.writes()).isZero();
  }

  @Test
  void availableWithPendingModificationsWithinTheSettleTimeOrApplyingParameterGroupIsBusy() {
    f.status("available");
    engine.poll(ID, token);
    f.rds.setPending(ID, Set.of("DBInstanceClass"));
    f.advance(SETTLE.minusSeconds(1));
    f.rds.resetCounts();
    assertThat(engine.poll(ID, token).description()).contains("pending DBInstanceClass");

    f.advance(SETTLE);
    f.rds.setPending(ID, Set.of());
    f.rds.setParameterGroups(ID, java.util.List.of(new RdsInstance.ParameterGroup("pg", RdsInstance.APPLYING)));
    assertThat(engine.poll(ID, token).description()).contains("parameter group pg applying");

    assertThat(f.rds.writes()).isZero();
    assertThat(f.reboots).hasValue(0);
  }

  @Test
  void row6_settledStepCompletesAndTheNextStartsInOneWrite() {
    settingsStartedAndSettled();
    f.pendingReboot();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.description()).isEqualTo("step reboot started");
    assertThat(f.reboots).hasValue(1);
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.rds.addedTags().get(0)).containsOnlyKeys("tagflow:step:settings", "tagflow:step:reboot");
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=done tries=1");
    assertThat(f.tag("step:reboot")).startsWith("seq=2 state=started");
  }

  @Test
  void row7_lastAsyncStepSettledRunsTheSyncStepAndSucceedsLeavingTheTerminalRecordInOneWrite() {
    settingsStartedAndSettled();
    f.pendingReboot();
    engine.poll(ID, token);
    f.inSync();
    f.advance(SETTLE.plusSeconds(30));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.users.runs()).isEqualTo(1);
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.rds.count(REMOVE_TAGS)).isZero();
    assertThat(f.tag("flow")).contains("state=succeeded ended=");
    assertThat(f.tag("step:users")).isEqualTo("seq=3 state=done");
    assertThat(engine.poll(ID, token).state()).as("the terminal record keeps the answer").isEqualTo(State.SUCCEEDED);
    assertThat(f.rds.tags(ID)).containsEntry("team", "payments");
  }

  @Test
  void row8_noPendingRebootMeansRebootMakesNoCallAndUsersRunInTheSamePoll() {
    settingsStartedAndSettled();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.reboots).hasValue(0);
    assertThat(f.users.runs()).isEqualTo(1);
    assertThat(f.rds.totalCalls()).isEqualTo(2);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.events.events).containsSubsequence("stepDone settings", "stepDone reboot", "stepDone users",
        "flowSucceeded restore-from-snapshot");
  }

  @Test
  void row9_withoutFlowTagsTheInstanceStatusAloneAnswers() {
    f.rds.putAvailable("db-2", Map.of("team", "x"));

    OperationStatus status = engine.poll("db-2");

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.rds.totalCalls()).isEqualTo(1);
    f.rds.setStatus("db-2", "backing-up");
    assertThat(engine.poll("db-2").state()).isEqualTo(State.IN_PROGRESS);
    f.rds.setStatus("db-2", "failed");
    assertThat(engine.poll("db-2").state()).isEqualTo(State.FAILED);
  }

  @Test
  void referencePathTakesThreeNonWaitingPollsAfterFirstAvailable() {
    int nonWaiting = 0;
    f.status("available");
    OperationStatus status = engine.poll(ID, token);
    nonWaiting++;
    f.status("modifying");
    for (int minute = 0; minute < 3; minute++) {
      f.advance(Duration.ofMinutes(1));
      assertThat(engine.poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    }
    f.status("available");
    f.pendingReboot();
    f.advance(Duration.ofMinutes(1));
    status = engine.poll(ID, token);
    nonWaiting++;
    assertThat(status.description()).isEqualTo("step reboot started");
    f.status("rebooting");
    f.inSync();
    f.advance(Duration.ofMinutes(1));
    engine.poll(ID, token);
    f.status("available");
    f.advance(Duration.ofMinutes(1));
    status = engine.poll(ID, token);
    nonWaiting++;

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(nonWaiting).isEqualTo(3);
  }
}
