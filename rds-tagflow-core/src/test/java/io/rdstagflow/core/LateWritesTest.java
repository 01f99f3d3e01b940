package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static io.rdstagflow.core.EngineFixture.FLOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RDS's reads are eventually consistent and tags have no compare-and-set: what a poll answers when
 * a describe lags behind a create or a {@code begin}, and when a slow poller's write lands after its
 * operation ended, even on the next operation (poll-scenarios.md rows 39 to 41 and 55; issue 9's
 * items 1, 2 and 4).
 */
class LateWritesTest {

  private final EngineFixture f = new EngineFixture();

  @Test
  void aNewInstanceNotListedYetIsInProgressForFiveMinutesAfterItsOperationBeganAndNotFoundAfter() {
    OperationToken token = f.restore();
    f.rds.remove(ID); // a describe that lags behind the restore does not list the instance

    assertThat(f.engine().poll(ID, token)).isEqualTo(OperationStatus.inProgress("instance db-1 is not listed yet",
        Duration.ofSeconds(10)));
    f.advance(Duration.ofMinutes(4));
    assertThat(f.engine().poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.advance(Duration.ofMinutes(1).plusSeconds(1));
    assertThat(f.engine().poll(ID, token)).isEqualTo(OperationStatus.failed("instance db-1 not found"));
  }

  @Test
  void row41_stepTagsPutBackByALateWriteAfterTheOperationSucceededKeepItsAnswerAndAreRepaired() {
    TagStateMachine engine = f.engine();
    OperationToken token = succeededFlow(engine);
    // A slow poller, which read the operation before it ended, writes the users step it attempted.
    f.setOwnTag("step:users", "seq=3 state=running since=2026-11-24T10:00:31Z tries=0");
    f.rds.resetCounts();

    OperationStatus again = engine.poll(ID, token);

    assertThat(again).isEqualTo(OperationStatus.succeeded("flow restore-from-snapshot succeeded"));
    assertThat(f.tag("step:users")).isEqualTo("seq=3 state=done");
    assertThat(f.users.runs()).isEqualTo(1);
    assertThat(engine.begin(ID, FLOW, Map.of("snapshot", "snap-2"))).isNotEqualTo(token);
  }

  /** Runs the fixture's flow to success: its terminal record stays. */
  private OperationToken succeededFlow(TagStateMachine engine) {
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(1));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
    return token;
  }

  @Test
  void withoutATokenStepTagsWithoutAFlowTagFailNamingThem() {
    f.rds.putAvailable(ID, Map.of("tagflow:step:users", "op=0tp03s0w8 seq=3 state=running since=2026-11-24T10:00:31Z"));

    OperationStatus status = f.engine().poll(ID);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("tagflow:step:users").contains("tagflow:flow is missing");
  }

  @Test
  void item4_aFlowTagDeletedByHandMidFlowFailsEvenWithTheTokenAndIsNeverASuccess() {
    OperationToken token = f.restore();
    f.status("available");
    f.rds.deleteTag(ID, "tagflow:flow");

    OperationStatus status = f.engine().poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("the tag tagflow:flow is missing");
    assertThat(f.settings.runs()).isZero();
    f.advance(Duration.ofMinutes(1));
    assertThat(f.engine().poll(ID, token).state()).isEqualTo(State.FAILED);
  }

  @Test
  void item4_anOperatorsAbortIsAnsweredFailedToThePlatformNeverSucceeded() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);

    assertThat(engine.abort(ID)).isTrue();

    OperationStatus status = engine.poll(ID, token);
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo("flow restore-from-snapshot aborted by an operator");
    assertThat(engine.poll(ID).state()).isEqualTo(State.FAILED);
  }

  @Test
  void row39_item1_aPollWithAFreshBeginsTokenOnALaggingDescribeIsNeverASuccessFromTheStatusAlone() {
    TagStateMachine engine = f.engine();
    succeededFlow(engine);
    RdsInstance beforeBegin = f.rds.get(ID);
    OperationToken update = engine.begin(ID, FLOW, Map.of("snapshot", "snap-2"));

    for (int minute = 1; minute <= 4; minute++) {
      f.advance(Duration.ofMinutes(1));
      f.rds.describeNextAs(beforeBegin);
      OperationStatus status = engine.poll(ID, update);
      assertThat(status.state()).as("minute %d: %s", minute, status).isEqualTo(State.IN_PROGRESS);
      assertThat(status.description()).contains("not visible on the instance yet");
    }
    f.advance(Duration.ofMinutes(2));
    f.rds.describeNextAs(beforeBegin);
    OperationStatus late = engine.poll(ID, update);
    assertThat(late.state()).isEqualTo(State.FAILED);
    assertThat(late.description()).contains("never appeared on instance db-1");
    assertThat(f.settings.runs()).isEqualTo(1);
  }

  @Test
  void row39_aLagShorterThanTheGraceIsWaitedOutAndTheOperationRuns() {
    TagStateMachine engine = f.engine();
    succeededFlow(engine);
    RdsInstance beforeBegin = f.rds.get(ID);
    OperationToken update = engine.begin(ID, FLOW, Map.of("snapshot", "snap-2"));
    f.advance(Duration.ofMinutes(1));
    f.rds.describeNextAs(beforeBegin);
    assertThat(engine.poll(ID, update).state()).isEqualTo(State.IN_PROGRESS);

    assertThat(engine.poll(ID, update).description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(2);
  }

  @Test
  void row40_item2_aSlowReplicasLateWriteFromTheEndedOperationNeverCompletesTheNextOnesSteps() {
    TagStateMachine fast = f.engine();
    OperationToken restore = f.restore();
    f.status("available");
    fast.poll(ID, restore); // settings started
    f.pendingReboot();
    f.advance(SETTLE.plusSeconds(1));
    // Replica A computes "settings done, reboot started"; its write hangs. It is what replica B writes too.
    fast.poll(ID, restore);
    Map<String, String> slowWrite = f.rds.addedTags().get(f.rds.addedTags().size() - 1);
    f.inSync();
    f.advance(SETTLE.plusSeconds(1));
    assertThat(fast.poll(ID, restore).state()).isEqualTo(State.SUCCEEDED);
    OperationToken update = fast.begin(ID, FLOW, Map.of("snapshot", "snap-2"));
    int settingsRuns = f.settings.runs();
    slowWrite.forEach((k, v) -> f.rds.setTag(ID, k, v)); // A's write lands now, on the update

    OperationStatus status = fast.poll(ID, update);

    assertThat(status.description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(settingsRuns + 1);
    assertThat(f.tag("step:reboot")).as("A's debris is replaced by the update's own record").isEqualTo("seq=2 state=pending");
    assertThat(f.rds.tags(ID).get("tagflow:step:reboot")).startsWith("op=" + update.operationId().orElseThrow());
  }

  @Test
  void row33_aLatePollOfTheOperationABeginReplacedKeepsItsAnswerRecordedByTheNewOperation() {
    TagStateMachine engine = f.engine();
    OperationToken restore = succeededFlow(engine);
    OperationToken update = engine.begin(ID, FLOW, Map.of("snapshot", "snap-2"));

    assertThat(engine.poll(ID, restore)).isEqualTo(OperationStatus.succeeded("flow restore-from-snapshot succeeded;"
        + " since then a newer operation, restore-from-snapshot since " + update.since() + ", has begun on the instance"));
    assertThat(f.tag("flow")).contains("prev=" + restore.operationId().orElseThrow() + "/succeeded");
  }

  @Test
  void row55_anEndedOperationsLateFlowTagWriteAfterTheNextBeginIsRepairedAndTheNewOperationGoesOn() {
    TagStateMachine fast = f.engine();
    OperationToken restore = f.restore();
    f.status("available");
    fast.poll(ID, restore);
    f.advance(SETTLE.plusSeconds(1));
    assertThat(fast.poll(ID, restore).state()).isEqualTo(State.SUCCEEDED);
    Map<String, String> terminalWrite = f.rds.addedTags().get(f.rds.addedTags().size() - 1);
    assertThat(terminalWrite).containsKey("tagflow:flow");
    OperationToken update = fast.begin(ID, FLOW, Map.of("snapshot", "snap-2"));
    int settingsRuns = f.settings.runs();
    terminalWrite.forEach((k, v) -> f.rds.setTag(ID, k, v)); // a slow replica's terminal write lands late

    OperationStatus status = fast.poll(ID, update);

    assertThat(status.description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(settingsRuns + 1);
    assertThat(f.rds.tags(ID).get("tagflow:flow")).startsWith("op=" + update.operationId().orElseThrow())
        .contains("state=running");
    // The rebuilt flow tag no longer records how the restore ended: its token is told it is no longer current.
    assertThat(fast.poll(ID, restore).description()).contains("is no longer current");
  }
}
