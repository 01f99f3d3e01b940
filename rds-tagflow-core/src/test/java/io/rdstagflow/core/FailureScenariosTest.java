package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.ADD_TAGS;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.DESCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.testing.InMemoryRdsGateway.Call;
import io.rdstagflow.core.testing.InMemoryRdsGateway.TransientFailure;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** poll-scenarios.md, "Failures and retries", rows 10 to 23. */
class FailureScenariosTest {

  private final EngineFixture f = new EngineFixture();
  private TagStateMachine engine;
  private OperationToken token;

  @BeforeEach
  void restore() {
    engine = f.engine();
    token = f.restore();
    f.status("available");
  }

  /** Settings done and reboot done (nothing pending): the next poll runs users. */
  private void upToUsers() {
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(1));
  }

  @Test
  void row10_retryCountsATryAndRecordsTheNextDueTime() {
    upToUsers();
    f.users.then(StepResult.retry("SQLState 40001"));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(status.description()).isEqualTo("step users will be retried: SQLState 40001");
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("step:users"))
        .isEqualTo("seq=3 state=running since=2026-11-24T10:00:31Z tries=1 due=2026-11-24T10:01:01Z reason=SQLState 40001");
    assertThat(f.events.events).contains("stepRetried users 1");
  }

  @Test
  void row11_waitingRecordsWhenTheStepBeganOnItsFirstAttemptOnlyAndCountsNoTry() {
    upToUsers();
    f.users.then(StepResult.waiting("connection refused"), StepResult.waiting("connection refused"));
    f.rds.resetCounts();

    OperationStatus first = engine.poll(ID, token);
    int writesAfterFirst = f.rds.writes();
    f.advance(Duration.ofMinutes(1));
    OperationStatus second = engine.poll(ID, token);

    assertThat(first.description()).isEqualTo("step users waiting: connection refused");
    assertThat(second.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(writesAfterFirst).isEqualTo(1);
    assertThat(f.rds.writes()).isEqualTo(1);
    assertThat(f.tag("step:users")).isEqualTo("seq=3 state=running since=2026-11-24T10:00:31Z tries=0");
  }

  @Test
  void row12_transientErrorThrownByAStepLeavesTagsUnchangedAndCountsNoTry() {
    upToUsers();
    f.users.then(StepResult.waiting("not yet"));
    engine.poll(ID, token);
    String before = f.tag("step:users");
    f.users.thenThrow(new TransientFailure("Throttling"));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.retryAfter()).isPresent();
    assertThat(status.description()).contains("Throttling").doesNotContain("message with details");
    assertThat(f.rds.totalCalls()).isEqualTo(1);
    assertThat(f.tag("step:users")).isEqualTo(before);
  }

  @Test
  void row12_earlierStepsFinishedInTheSamePollAreStillRecordedWithTheTransientErrorsFirstAttempt() {
    f.users.thenThrow(new TransientFailure("Throttling"));
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(1));
    f.rds.resetCounts();

    engine.poll(ID, token);

    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("step:settings")).contains("state=done");
    assertThat(f.tag("step:reboot")).contains("state=done");
    assertThat(f.tag("step:users")).isEqualTo("seq=3 state=running since=2026-11-24T10:00:31Z tries=0"
        + " reason=transient error Throttling");
  }

  @Test
  void row13_stepNotDueYetAnswersTheTimeLeftWithOneDescribe() {
    upToUsers();
    f.users.then(StepResult.retry("busy"));
    engine.poll(ID, token);
    f.advance(Duration.ofSeconds(10));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.retryAfter()).contains(Duration.ofSeconds(20));
    assertThat(f.users.runs()).isEqualTo(1);
    assertThat(f.rds.totalCalls()).isEqualTo(1);
  }

  @Test
  void row14_exhaustedTriesFailTheOperationNamingTheStepAndTheReason() {
    upToUsers();
    f.users.always(StepResult.retry("SQLState 40001"));
    OperationStatus status = null;
    for (int i = 0; i < 5; i++) {
      status = engine.poll(ID, token);
      f.advance(Duration.ofMinutes(20));
    }

    assertThat(f.users.runs()).isEqualTo(5);
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo("step users failed after 5 tries: SQLState 40001");
    assertThat(f.tag("step:users")).contains("state=failed").endsWith("reason=failed after 5 tries: SQLState 40001");
    assertThat(f.events.events).contains("stepFailed users", "flowFailed restore-from-snapshot");
  }

  @Test
  void row14_failedResultFailsAtOnceWithTheReasonReducedToTheTagCharacterSet() {
    upToUsers();
    f.users.then(StepResult.failed("role \"app\" owns objects; can't lock"));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo("step users failed: role _app_ owns objects. can_t lock");
    assertThat(f.tag("step:users")).endsWith("reason=failed: role _app_ owns objects. can_t lock");
  }

  @Test
  void row14_aLongReasonIsCutToFitTheTagAndTheDescriptionMatchesTheTag() {
    upToUsers();
    f.users.then(StepResult.failed("x".repeat(1000)));

    OperationStatus status = engine.poll(ID, token);

    assertThat(f.rds.tags(ID).get("tagflow:step:users")).hasSize(256).endsWith("...");
    assertThat(engine.poll(ID, token).description()).isEqualTo(status.description());
  }

  @Test
  void row15_failedFlowAnswersTheSameDescriptionWithoutRunningOrWriting() {
    upToUsers();
    f.users.then(StepResult.failed("boom"));
    OperationStatus first = engine.poll(ID, token);
    f.rds.resetCounts();

    OperationStatus again = engine.poll(ID, token);

    assertThat(again).isEqualTo(first);
    assertThat(f.users.runs()).isEqualTo(1);
    assertThat(f.rds.totalCalls()).isEqualTo(1);
  }

  @Test
  void row16_startedStepPastItsDeadlineFailsEvenWhileTheInstanceIsBusy() {
    engine.poll(ID, token);
    f.status("modifying");
    f.advance(Duration.ofHours(2));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.advance(Duration.ofSeconds(1));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description())
        .isEqualTo("step settings exceeded its deadline of 2 h. it was: instance is modifying. next: step settings");
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("step:settings")).contains("state=failed");
  }

  @Test
  void row17_flowPastItsDeadlineFailsAndIsMarkedFailed() {
    f.status("creating");
    f.advance(Duration.ofDays(1).plusSeconds(1));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo("flow restore-from-snapshot exceeded its flow deadline of 1 day."
        + " it was: instance is creating. next: step settings");
    assertThat(f.tag("flow")).contains("state=failed").endsWith("reason=" + status.description());
  }

  @Test
  void deadlinesMayGrowWithAllocatedStorage() {
    Deadline deadline = Deadline.growingWithStorage(Duration.ofHours(1), Duration.ofHours(1));
    RdsInstance big = RdsInstance.builder("x").status("creating").allocatedStorageGib(250).build();
    assertThat(deadline.forInstance(big)).isEqualTo(Duration.ofHours(4));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Throttling", "InternalFailure", "RequestTimeout"})
  void row18_describeFailingTransientlyIsInProgressWithRetryAfterAndChangesNothing(String code) {
    f.rds.failNext(Call.DESCRIBE, new TransientFailure(code));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(status.description()).contains(code);
    assertThat(f.rds.totalCalls()).isEqualTo(1);
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row19_theWriteRecordingAnAcceptedModifyIsRetriedWithinThePoll() {
    for (int i = 0; i < 4; i++) {
      f.rds.failNext(Call.ADD_TAGS, new TransientFailure("Throttling"));
    }
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(5);
    assertThat(f.tag("step:settings")).contains("state=started");
    assertThat(f.events.events).contains("stepStarted settings");
  }

  @Test
  void row19_modifyAcceptedThenEveryRetryOfTheTagWriteThrottledRepeatsTheModifyNextPoll() {
    for (int i = 0; i < 5; i++) {
      f.rds.failNext(Call.ADD_TAGS, new TransientFailure("Throttling"));
    }

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=pending");
    assertThat(f.events.events).doesNotContain("stepStarted settings");
    engine.poll(ID, token);
    assertThat(f.settings.runs()).isEqualTo(2);
    assertThat(f.tag("step:settings")).contains("state=started");
  }

  @Test
  void row20_invalidStateFromTheStepsOwnCallIsTransientAndNotCounted() {
    f.settings.thenThrow(new TransientFailure("InvalidDBInstanceState"));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(f.rds.totalCalls()).isEqualTo(2);
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=running since=2026-11-24T10:00:00Z tries=0"
        + " reason=transient error InvalidDBInstanceState");
    f.rds.resetCounts();
    f.settings.thenThrow(new TransientFailure("InvalidDBInstanceState"));
    engine.poll(ID, token);
    assertThat(f.rds.totalCalls()).as("only the first attempt is written").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"failed", "incompatible-restore", "restore-error", "incompatible-parameters",
      "incompatible-network", "incompatible-option-group", "incompatible-credentials",
      "inaccessible-encryption-credentials", "storage-full", "deleting"})
  void row21_badStatusFailsNamingItAndRecordsTheFailure(String bad) {
    f.status(bad);
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo("flow restore-from-snapshot failed: instance status " + bad);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("flow")).contains("state=failed ended=")
        .endsWith("reason=flow restore-from-snapshot failed: instance status " + bad);
    f.status("available");
    assertThat(engine.poll(ID, token).description()).isEqualTo(status.description());
  }

  @ParameterizedTest
  @ValueSource(strings = {"inflating", "a-status-from-the-future"})
  void row22_unknownStatusIsBusyNeverFailed(String unknown) {
    f.status(unknown);
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.description()).contains(unknown);
    assertThat(f.rds.totalCalls()).isEqualTo(1);
  }

  @Test
  void statusPolicyCanMakeAStatusBrokenOrBusy() {
    TagStateMachine strict = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock)
        .statusPolicy(StatusPolicy.defaults().withBroken("storage-optimization").withBusy("storage-full")).build();
    f.status("storage-full");
    assertThat(strict.poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.status("storage-optimization");
    assertThat(strict.poll(ID, token).state()).isEqualTo(State.FAILED);
  }

  @Test
  void row23_missingInstanceFailsUnlessPolledWithADeletionToken() {
    f.rds.remove(ID);
    f.advance(Duration.ofMinutes(6)); // past the time a describe may lag behind the restore

    assertThat(engine.poll(ID, token)).isEqualTo(OperationStatus.failed("instance db-1 not found"));
    assertThat(engine.poll(ID, engine.deletionToken()).state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.rds.writes()).isZero();
  }

  @Test
  void deletionTokenIsInProgressWhileTheInstanceExists() {
    f.status("deleting");

    OperationStatus status = engine.poll(ID, engine.deletionToken());

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.description()).isEqualTo("instance is deleting");
  }

  @Test
  void permanentDescribeFailureIsThrownWithItsCodeAndNotItsMessage() {
    f.rds.failNext(Call.DESCRIBE, new io.rdstagflow.core.testing.InMemoryRdsGateway.PermanentFailure("AccessDenied"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.poll(ID, token))
        .isInstanceOf(RdsCallException.class)
        .hasMessageContaining("AccessDenied")
        .hasMessageNotContaining("message with details");
  }

  @Test
  void permanentErrorThrownByAStepFailsItWithTheCodeOnly() {
    f.settings.thenThrow(new io.rdstagflow.core.testing.InMemoryRdsGateway.PermanentFailure("InvalidParameterCombination"));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.description()).isEqualTo("step settings failed: InvalidParameterCombination");
  }

  @Test
  void stepCompletionCheckKeepsAStartedStepWaiting() {
    engine.poll(ID, token);
    f.settings.complete(false);
    f.advance(SETTLE.plusSeconds(1));

    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started; waiting for: the script says not yet");
    f.settings.complete(true);
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void clockSkewIsAddedToTheSettleTime() {
    TagStateMachine skewed = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock)
        .settleTime(SETTLE).clockSkew(Duration.ofSeconds(30)).build();
    skewed.poll(ID, token);
    f.advance(Duration.ofSeconds(59));
    assertThat(skewed.poll(ID, token).description()).contains("settling");
    f.advance(Duration.ofSeconds(1));
    assertThat(skewed.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
  }
}
