package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.REMOVE_TAGS;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * RDS's reads are eventually consistent and tags have no compare-and-set: what a poll answers when
 * a describe lags behind a create, and when a slow poller's write lands after the flow ended (both
 * found by the seeded soak in rds-tagflow-aws).
 */
class LateWritesTest {

  private final EngineFixture f = new EngineFixture();

  @Test
  void aNewInstanceNotListedYetIsInProgressForFiveMinutesAfterItsOperationBeganAndNotFoundAfter() {
    OperationToken token = f.restore();
    f.rds.remove(ID); // a describe that lags behind the restore does not list the instance

    assertThat(f.engine().poll(ID, token)).isEqualTo(OperationStatus.inProgress("instance db-1 is not listed yet"));
    f.advance(Duration.ofMinutes(4));
    assertThat(f.engine().poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.advance(Duration.ofMinutes(1).plusSeconds(1));
    assertThat(f.engine().poll(ID, token)).isEqualTo(OperationStatus.failed("instance db-1 not found"));
  }

  @Test
  void stepTagsPutBackByALateWriteAfterTheFlowSucceededAreAnsweredAsTheEndedFlowAndRemoved() {
    TagStateMachine engine = f.engine();
    OperationToken token = succeededFlow(engine);
    // A slow poller, which read the flow before it ended, writes the users step it attempted.
    f.rds.setTag(ID, "tagflow:step:users", "seq=3 state=running since=2026-11-24T10:00:31Z tries=0");
    f.rds.resetCounts();

    OperationStatus again = engine.poll(ID, token);

    assertThat(again).isEqualTo(OperationStatus.succeeded("instance is available"));
    assertThat(f.rds.count(REMOVE_TAGS)).isEqualTo(1);
    assertThat(f.flowTags()).isEmpty();
    assertThat(f.users.runs()).isEqualTo(1);
  }

  /** Runs the fixture's flow to success: its tags are gone. */
  private OperationToken succeededFlow(TagStateMachine engine) {
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(1));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
    return token;
  }

  @Test
  void withoutATokenTheSameLeftoverTagsStillFailNamingThem() {
    f.rds.putAvailable(ID, java.util.Map.of("tagflow:step:users", "seq=3 state=running since=2026-11-24T10:00:31Z tries=0"));

    OperationStatus status = f.engine().poll(ID);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("tagflow:step:users").contains("tagflow:flow is missing");
  }

  @Test
  void aLateWriteThatPutsBackEveryStepTagIsStillReadAsTheEndedFlow() {
    TagStateMachine engine = f.engine();
    OperationToken token = succeededFlow(engine);
    f.rds.setTag(ID, "tagflow:step:settings", "seq=1 state=done tries=1");
    f.rds.setTag(ID, "tagflow:step:reboot", "seq=2 state=done");
    f.rds.setTag(ID, "tagflow:step:users", "seq=3 state=running since=2026-11-24T10:00:31Z tries=0");

    assertThat(engine.poll(ID, token)).isEqualTo(OperationStatus.succeeded("instance is available"));
    assertThat(f.flowTags()).isEmpty();
  }

  @Test
  void aFlowTagDeletedByHandMidFlowFailsEvenWithTheToken() {
    OperationToken token = f.restore(); // its parameter tag stays when the flow tag is deleted
    f.status("available");
    f.rds.deleteTag(ID, "tagflow:flow");

    OperationStatus status = f.engine().poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("the tag tagflow:flow is missing");
    assertThat(f.settings.runs()).isZero();
    f.advance(Duration.ofMinutes(1));
    assertThat(f.engine().poll(ID, token).state()).isEqualTo(State.FAILED);
  }
}
