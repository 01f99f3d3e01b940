package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link TagStateMachine#pollResult}: the kind of failure behind a failed answer, live and from the terminal record. */
class FailureKindTest {

  private final EngineFixture f = new EngineFixture();

  @Test
  void answersThatDidNotFailCarryNoKind() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    PollResult creating = engine.pollResult(ID, token);
    assertThat(creating.status().state()).isEqualTo(OperationStatus.State.IN_PROGRESS);
    assertThat(creating.failure()).isEmpty();
  }

  @Test
  void pollResultGivesExactlyThePollsAnswer() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    PollResult result = engine.pollResult(ID, token);
    assertThat(result.status()).isEqualTo(OperationStatus.inProgress("step settings started",
        EngineFixture.SETTLE));
  }

  @Test
  void aStepRefusedByRdsIsAStepFailureLiveAndFromItsRecord() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    f.settings.thenThrow(new io.rdstagflow.core.testing.InMemoryRdsGateway.PermanentFailure("InvalidParameterCombination"));
    PollResult live = engine.pollResult(ID, token);
    assertThat(live.status().state()).isEqualTo(OperationStatus.State.FAILED);
    assertThat(live.failure()).contains(FailureKind.STEP_FAILED);

    PollResult later = f.engine().pollResult(ID, token);
    assertThat(later.status()).isEqualTo(live.status());
    assertThat(later.failure()).contains(FailureKind.STEP_FAILED);
  }

  @Test
  void aBrokenInstanceStatusIsAnInstanceStatusFailureLiveAndFromItsRecord() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("incompatible-restore");
    assertThat(engine.pollResult(ID, token).failure()).contains(FailureKind.INSTANCE_STATUS);
    assertThat(engine.pollResult(ID, token).failure()).contains(FailureKind.INSTANCE_STATUS);
  }

  @Test
  void aBrokenStatusWithoutATokenIsAnInstanceStatusFailure() {
    f.rds.putAvailable(ID, Map.of());
    f.status("failed");
    assertThat(f.engine().pollResult(ID).failure()).contains(FailureKind.INSTANCE_STATUS);
  }

  @Test
  void aFlowDeadlineIsAFailureOfTheOperation() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.advance(Duration.ofDays(2));
    PollResult result = engine.pollResult(ID, token);
    assertThat(result.status().description()).contains("flow deadline");
    assertThat(result.failure()).contains(FailureKind.OPERATION);
  }

  @Test
  void aMissingInstanceIsNotFoundWithoutATokenAndAfterTheGraceWithOne() {
    TagStateMachine engine = f.engine();
    assertThat(engine.pollResult(ID).failure()).contains(FailureKind.INSTANCE_NOT_FOUND);

    OperationToken token = engine.startTags(ID, EngineFixture.FLOW, Map.of("snapshot", "snap-1")).token();
    assertThat(engine.pollResult(ID, token).failure()).isEmpty(); // not listed yet: in progress
    f.advance(Duration.ofMinutes(6));
    PollResult gone = engine.pollResult(ID, token);
    assertThat(gone.status().state()).isEqualTo(OperationStatus.State.FAILED);
    assertThat(gone.failure()).contains(FailureKind.INSTANCE_NOT_FOUND);
  }

  @Test
  void aDeletionThatSucceededCarriesNoKind() {
    TagStateMachine engine = f.engine();
    PollResult result = engine.pollResult(ID, engine.deletionToken());
    assertThat(result.status().state()).isEqualTo(OperationStatus.State.SUCCEEDED);
    assertThat(result.failure()).isEmpty();
  }

  @Test
  void aKindGoesWithAFailedStatusOnly() {
    assertThatThrownBy(() -> new PollResult(OperationStatus.succeeded("x"), Optional.of(FailureKind.OPERATION)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PollResult(OperationStatus.failed("x"), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
