package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.FLOW;
import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.InMemoryRdsGateway.TransientFailure;
import io.rdstagflow.core.testing.MutableClock;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9: each defect of engine version 1, reproduced through the public API (plus the core test
 * helpers) and asserting the correct behaviour of design.md ("Tag format version 2", "One poll") and
 * poll-scenarios.md rows 39 to 56. Every test here failed on 2668db9, the last version-1 commit.
 * (Version 1's API: compile it there, not on main.)
 */
class V1ReproductionsTest {

  private final EngineFixture f = new EngineFixture();

  /** Runs the fixture's restore to success. */
  private OperationToken succeededRestore(TagStateMachine engine) {
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(1));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
    return token;
  }

  @Test
  void item1_aPollSixtySecondsAfterBeginOnADescribeThatDoesNotShowTheNewFlowIsNotSucceeded() {
    TagStateMachine engine = f.engine();
    succeededRestore(engine);
    RdsInstance beforeBegin = f.rds.get(ID);
    OperationToken update = engine.begin(ID, FLOW, Map.of("snapshot", "snap-2"));
    f.advance(Duration.ofSeconds(60));
    f.rds.describeNextAs(beforeBegin); // the describe lags behind begin's AddTags

    OperationStatus status = engine.poll(ID, update);

    assertThat(status.state()).as("poll 60 s after begin on a lagging describe: %s", status)
        .isNotEqualTo(State.SUCCEEDED);
  }

  @Test
  void item2_aSlowReplicasLateWriteFromTheRestoreDoesNotCompleteTheNextOperationsSettingsStep() {
    TagStateMachine fast = f.engine();
    OperationToken restore = f.restore();
    f.status("available");
    fast.poll(ID, restore); // settings started
    f.pendingReboot();
    f.advance(SETTLE.plusSeconds(1));
    fast.poll(ID, restore); // settings done, reboot started: what the slow replica writes too
    Map<String, String> slowWrite = f.rds.addedTags().get(f.rds.addedTags().size() - 1);
    assertThat(slowWrite).containsKeys("tagflow:step:settings", "tagflow:step:reboot");
    f.inSync();
    f.advance(SETTLE.plusSeconds(1));
    assertThat(fast.poll(ID, restore).state()).isEqualTo(State.SUCCEEDED);
    OperationToken update = fast.begin(ID, FLOW, Map.of("snapshot", "snap-2"));
    int settingsRuns = f.settings.runs();
    slowWrite.forEach((k, v) -> f.rds.setTag(ID, k, v)); // the slow replica's write lands now

    OperationStatus status = fast.poll(ID, update);
    f.advance(SETTLE.plusSeconds(1));
    OperationStatus next = fast.poll(ID, update);

    assertThat(f.settings.runs()).as("the update's settings step runs (answers: %s, then %s)", status, next)
        .isEqualTo(settingsRuns + 1);
  }

  @Test
  void item4_aFlowTagDeletedByHandPolledWithTheTokenIsNotSucceeded() {
    TagStateMachine engine = f.engine();
    f.rds.putAvailable(ID, Map.of("team", "payments"));
    OperationToken token = engine.begin(ID, FLOW, Map.of()); // no parameters: only flow and step tags
    engine.poll(ID, token); // settings started
    f.rds.deleteTag(ID, "tagflow:flow"); // by hand, in the console
    f.advance(Duration.ofMinutes(1));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).as("%s", status).isNotEqualTo(State.SUCCEEDED);
  }

  @Test
  void item4_anOperatorsAbortThenAPollWithTheTokenIsFailed() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);
    assertThat(engine.abort(ID)).isTrue();
    f.advance(Duration.ofMinutes(6)); // a poll some minutes after the abort

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).as("%s", status).isEqualTo(State.FAILED);
  }

  @Test
  void item6_aStartedStepWhoseWorkEndedHoursAgoFirstPolledAfterItsDeadlineDoesNotFail() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token); // settings started; its work ends within minutes, the step deadline is 2 h
    f.advance(Duration.ofHours(3)); // the platform did not poll for 3 hours

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).as("%s", status).isNotEqualTo(State.FAILED);
  }

  /** A gateway whose first AddTags lands but whose answer is lost (the call throws after writing). */
  private static final class LostAnswerGateway implements RdsGateway {
    final InMemoryRdsGateway delegate;
    final AtomicBoolean loseNext = new AtomicBoolean();

    LostAnswerGateway(InMemoryRdsGateway delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<RdsInstance> describe(String instanceId) {
      return delegate.describe(instanceId);
    }

    @Override
    public void addTags(RdsInstance instance, Map<String, String> tags) {
      delegate.addTags(instance, tags);
      if (loseNext.getAndSet(false)) {
        throw new TransientFailure("RequestTimeout");
      }
    }

    @Override
    public void removeTags(RdsInstance instance, Collection<String> keys) {
      delegate.removeTags(instance, keys);
    }

    @Override
    public ErrorClassification classify(Throwable error) {
      return delegate.classify(error);
    }
  }

  @Test
  void item7_beginRepeatedAfterItsAddTagsLandedButItsAnswerWasLostIsNotAConcurrentOperation() {
    LostAnswerGateway gateway = new LostAnswerGateway(f.rds);
    TagStateMachine engine = TagStateMachine.builder(gateway).flow(f.flow).clock(f.clock).settleTime(SETTLE)
        .clockSkew(Duration.ZERO).build();
    f.rds.putAvailable(ID, Map.of("team", "payments"));
    gateway.loseNext.set(true);
    assertThatThrownBy(() -> engine.begin(ID, FLOW, Map.of("plan", "large")))
        .isInstanceOf(RdsCallException.class);
    assertThat(f.rds.tags(ID)).as("the write landed").containsKey("tagflow:flow");

    assertThatCode(() -> engine.begin(ID, FLOW, Map.of("plan", "large"))).doesNotThrowAnyException();
  }

  @Test
  void item8_anEngineWhoseFlowHasOneMoreStepDoesNotFailTheOperationInFlight() {
    Flow oldFlow = Flow.builder("update").step(f.settings).step(f.users).build();
    Flow newFlow = Flow.builder("update").step(f.settings).step(ScriptedStep.done("protect")).step(f.users).build();
    TagStateMachine oldBroker = TagStateMachine.builder(f.rds).flow(oldFlow).clock(f.clock).settleTime(SETTLE)
        .clockSkew(Duration.ZERO).build();
    TagStateMachine newBroker = TagStateMachine.builder(f.rds).flow(newFlow).clock(f.clock).settleTime(SETTLE)
        .clockSkew(Duration.ZERO).build();
    f.rds.putAvailable(ID, Map.of());
    OperationToken token = oldBroker.begin(ID, "update", Map.of());
    oldBroker.poll(ID, token); // settings started

    f.advance(SETTLE.plusSeconds(1));
    OperationStatus status = newBroker.poll(ID, token); // the deploy reached this replica

    assertThat(status.state()).as("%s", status).isNotEqualTo(State.FAILED);
  }

  private TagStateMachine brokerPrefixed() {
    return TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock).settleTime(SETTLE).clockSkew(Duration.ZERO)
        .tagPrefix("broker:").build();
  }

  @Test
  void item9_beginWithPrefixBrokerDoesNotDeleteTheOwnersTagSharingThePrefix() {
    TagStateMachine engine = brokerPrefixed();
    f.rds.putAvailable(ID, Map.of("broker:service-instance-guid", "8d3e"));

    engine.begin(ID, FLOW, Map.of());

    assertThat(f.rds.tags(ID)).containsEntry("broker:service-instance-guid", "8d3e");
  }

  @Test
  void item9_aRestoreCarryingTheOwnersTagSharingThePrefixDoesNotFailOnItsFirstPoll() {
    TagStateMachine engine = brokerPrefixed();
    FlowStart start = engine.startTags(ID, FLOW, Map.of("snapshot", "snap-1"));
    Map<String, String> tags = new LinkedHashMap<>(Map.of("broker:service-instance-guid", "8d3e"));
    tags.putAll(start.tags());
    f.rds.put(RdsInstance.builder(ID).status("creating").tags(tags).build());

    OperationStatus status = engine.poll(ID, start.token());

    assertThat(status.state()).as("%s", status).isNotEqualTo(State.FAILED);
  }

  @Test
  void item10_anAvailableInstanceWithAPendingValueTheOwnerDeferredLetsTheFlowRun() {
    TagStateMachine engine = f.engine();
    f.rds.putAvailable(ID, Map.of());
    f.rds.setPending(ID, Set.of("MultiAZ")); // the owner's change, waiting for the maintenance window
    OperationToken token = engine.begin(ID, FLOW, Map.of());

    OperationStatus status = engine.poll(ID, token);
    for (int minute = 0; minute < 60 && status.state() == State.IN_PROGRESS; minute++) {
      f.advance(Duration.ofMinutes(1));
      status = engine.poll(ID, token);
    }

    assertThat(f.settings.runs()).as("after an hour of polls: %s", status).isGreaterThan(0);
  }

  @Test
  void item10_storageOptimizationDoesNotFailAStepAtItsDeadline() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token); // settings started (a storage change, say)
    f.status("storage-optimization"); // RDS optimizes storage for hours after a storage change
    f.advance(Duration.ofHours(2).plusSeconds(1)); // past the default step deadline of 2 h

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).as("%s", status).isNotEqualTo(State.FAILED);
  }

  @Test
  void item11_aStepMeetingOnlyTransientErrorsRecordsItsFirstAttemptSoItsDeadlineStarts() {
    for (int i = 0; i < 200; i++) {
      f.settings.thenThrow(new TransientFailure("InvalidDBInstanceState"));
    }
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    f.rds.resetCounts();

    engine.poll(ID, token);

    assertThat(f.rds.writes()).as("a tag write recording the first attempt; step tag now %s", f.tag("step:settings"))
        .isGreaterThan(0);
    assertThat(f.tag("step:settings")).contains("since=");
  }

  @Test
  void item13_anOperatorsRetryAfterAFlowDeadlineFailureDoesNotFailAgainAtOnce() {
    MutableClock clock = new MutableClock();
    InMemoryRdsGateway rds = new InMemoryRdsGateway();
    ScriptedStep slow = ScriptedStep.started("slow");
    Flow flow = Flow.builder("short").step(slow).flowDeadline(Deadline.of(Duration.ofHours(1))).build();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(flow).clock(clock).clockSkew(Duration.ZERO).build();
    rds.putAvailable("db", Map.of());
    OperationToken token = engine.begin("db", "short", Map.of());
    engine.poll("db", token);
    rds.setStatus("db", "modifying");
    clock.advance(Duration.ofMinutes(61));
    assertThat(engine.poll("db", token).state()).isEqualTo(State.FAILED);
    clock.advance(Duration.ofHours(2)); // the operator looks into it and retries two hours later

    OperationToken retried = engine.retry("db");
    clock.advance(Duration.ofMinutes(1));
    OperationStatus status = engine.poll("db", retried);

    assertThat(status.state()).as("%s", status).isEqualTo(State.IN_PROGRESS);
  }

  @Test
  void item13_aStepTimeThreeHoursBeforeTheOperationsStartFromASlowHostClockDoesNotFailTheStepAMinuteIn() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    // A host whose clock is 3 h slow started the step.
    f.rds.setTag(ID, "tagflow:step:settings", "seq=1 state=started since=2026-11-24T07:00:00Z tries=1");
    f.status("modifying");
    f.advance(Duration.ofMinutes(1));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).as("%s", status).isEqualTo(State.IN_PROGRESS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"db-pass", "master-pw", "creds", "db-uri"})
  void item14_parametersNamedLikeASecretAreRefused(String name) {
    f.rds.putAvailable(ID, Map.of());

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of(name, "x")))
        .isInstanceOf(InvalidFlowParameterException.class);
  }

  @Test
  void item14_aValueCarryingUriCredentialsIsRefused() {
    f.rds.putAvailable(ID, Map.of());

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of("source", "postgresql://app:S3cret@db:5432/app")))
        .isInstanceOf(InvalidFlowParameterException.class);
  }

  @Test
  void item15_aTagPrefixRdsRefusesIsRefused() {
    assertThatThrownBy(() -> TagStateMachine.builder(f.rds).tagPrefix("RDS:flow:"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void item15_aDeadlineTooLongToComputeWithIsRefused() {
    assertThatThrownBy(() -> Deadline.of(ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void item15_aMissingFlowParameterFailsNamingTheParameterNotIllegalStateException() {
    Step needy = new Step() {
      @Override
      public String name() {
        return "needy";
      }

      @Override
      public StepResult run(StepContext context) {
        context.parameter("instance-class");
        return StepResult.done();
      }
    };
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(Flow.builder("needy").step(needy).build())
        .clock(f.clock).build();
    f.rds.putAvailable(ID, Map.of());

    OperationStatus status = engine.poll(ID, engine.begin(ID, "needy", Map.of()));

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("instance-class").doesNotContain("IllegalStateException");
  }
}
