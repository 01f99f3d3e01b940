package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.FLOW;
import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.ADD_TAGS;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.DESCRIBE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.REMOVE_TAGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.OperationStatus.State;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** poll-scenarios.md, "Several pollers, restarts, operators", rows 29 to 38. */
class PollersAndOperatorsScenariosTest {

  private final EngineFixture f = new EngineFixture();

  @Test
  void row29_anotherOwnersLiveLeaseMeansNoStepRunsAndOneDescribe() {
    ClaimPolicy claim = ClaimPolicy.lease(Duration.ofMinutes(2));
    OperationToken token = f.restore();
    f.status("available");
    f.setOwnTag("lease", "owner=owner-b until=2026-11-24T10:01:00Z");
    f.rds.resetCounts();

    OperationStatus status = f.engine(claim, "owner-a").poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.description()).contains("claimed by another broker");
    assertThat(f.settings.runs()).isZero();
    assertThat(f.rds.totalCalls()).isEqualTo(1);
  }

  @Test
  void row30_noLiveLeaseMeansWriteLeaseReadBackActAndRecord() {
    OperationToken token = f.restore();
    f.status("available");
    f.setOwnTag("lease", "owner=owner-b until=2026-11-24T09:00:00Z");
    f.rds.resetCounts();

    OperationStatus status = f.engine(ClaimPolicy.lease(Duration.ofMinutes(2)), "owner-a").poll(ID, token);

    assertThat(status.description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(1);
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(2);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(2);
    assertThat(f.tag("lease")).isEqualTo("owner=owner-a until=2026-11-24T10:02:00Z");
  }

  @Test
  void row30_aReadBackThatLagsBehindTheLeaseAndShowsNoRivalGoesOnAsClaimed() {
    OperationToken token = f.restore();
    f.status("available");
    TagStateMachine a = f.engine(ClaimPolicy.lease(Duration.ofMinutes(2)), "owner-a");
    RdsInstance before = f.rds.get(ID);
    // The first describe is honest; the read-back lags: it shows the instance as it was before the lease.
    f.rds.describeNextAs(before);
    f.rds.describeNextAs(before);

    OperationStatus first = a.poll(ID, token);

    assertThat(first.description()).isEqualTo("step settings started");
    assertThat(f.settings.runs()).isEqualTo(1);
  }

  @Test
  void row30_aReadBackThatShowsAnotherOwnersLiveLeaseRunsNothing() {
    OperationToken token = f.restore();
    f.status("available");
    TagStateMachine a = f.engine(ClaimPolicy.lease(Duration.ofMinutes(2)), "owner-a");
    RdsInstance now = f.rds.get(ID);
    java.util.Map<String, String> tags = new java.util.LinkedHashMap<>(now.tags());
    tags.put("tagflow:lease", "op=" + f.opId() + " owner=owner-b until=2026-11-24T10:02:00Z");
    f.rds.describeNextAs(now);
    f.rds.describeNextAs(now.toBuilder().tags(tags).build());

    OperationStatus first = a.poll(ID, token);

    assertThat(first.description()).isEqualTo("step settings is claimed by another broker until 2026-11-24T10:02:00Z");
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row30_theClaimsReadBackIsDecidedOnAgainSoABrokenStatusItShowsStopsTheStep() {
    OperationToken token = f.restore();
    f.status("available");
    RdsInstance now = f.rds.get(ID);
    java.util.Map<String, String> tags = new java.util.LinkedHashMap<>(now.tags());
    tags.put("tagflow:lease", "op=" + f.opId() + " owner=owner-a until=2026-11-24T10:02:00Z");
    f.rds.describeNextAs(now);
    f.rds.describeNextAs(now.toBuilder().status("incompatible-parameters").tags(tags).build());

    OperationStatus status = f.engine(ClaimPolicy.lease(Duration.ofMinutes(2)), "owner-a").poll(ID, token);

    assertThat(status.description()).isEqualTo("flow restore-from-snapshot failed: instance status incompatible-parameters");
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row30_aStepAnotherPollerRecordedMeanwhileIsNotRunAgainAfterTheClaim() {
    OperationToken token = f.restore();
    f.status("available");
    RdsInstance now = f.rds.get(ID);
    java.util.Map<String, String> tags = new java.util.LinkedHashMap<>(now.tags());
    tags.put("tagflow:lease", "op=" + f.opId() + " owner=owner-a until=2026-11-24T10:02:00Z");
    tags.put("tagflow:step:settings", "op=" + f.opId() + " seq=1 state=started since=2026-11-24T10:00:00Z tries=1");
    f.rds.describeNextAs(now);
    f.rds.describeNextAs(now.toBuilder().tags(tags).build());

    OperationStatus status = f.engine(ClaimPolicy.lease(Duration.ofMinutes(2)), "owner-a").poll(ID, token);

    assertThat(status.description()).isEqualTo("step settings started; the instance is settling");
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void claimPolicyOffWritesNoLeaseAndMakesNoExtraCall() {
    OperationToken token = f.restore();
    f.status("available");
    f.rds.resetCounts();

    f.engine().poll(ID, token);

    assertThat(f.tag("lease")).isNull();
    assertThat(f.rds.totalCalls()).isEqualTo(2);
  }

  @Test
  void row31_aNewEngineAtEveryPollGivesTheSameAnswersAsOneEngine() {
    List<OperationStatus> withOne = runReferencePath(f, () -> null);
    EngineFixture g = new EngineFixture();
    List<OperationStatus> withNewEach = runReferencePath(g, g::engine);

    assertThat(withNewEach).isEqualTo(withOne);
    assertThat(withOne.get(withOne.size() - 1).state()).isEqualTo(State.SUCCEEDED);
  }

  /** Polls the reference path; {@code fresh} gives a new engine before each poll, or null to keep one. */
  private static List<OperationStatus> runReferencePath(EngineFixture fx, Supplier<TagStateMachine> fresh) {
    TagStateMachine[] engine = {fx.engine()};
    OperationToken token = fx.restore();
    java.util.ArrayList<OperationStatus> answers = new java.util.ArrayList<>();
    Runnable poll = () -> {
      TagStateMachine next = fresh.get();
      if (next != null) {
        engine[0] = next;
      }
      answers.add(engine[0].poll(ID, token));
      fx.advance(Duration.ofMinutes(1));
    };
    poll.run();
    fx.status("available");
    poll.run();
    fx.status("modifying");
    poll.run();
    fx.status("available");
    fx.pendingReboot();
    poll.run();
    fx.status("rebooting");
    fx.inSync();
    poll.run();
    fx.status("available");
    poll.run();
    return answers;
  }

  @Test
  void row32_staleWriteOfAnEarlierStepIsReadAsDoneAndRepairedInTheNextWrite() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upToRebootStarted(engine); // settings done, reboot started
    // A slow poller writes its old view: settings started.
    f.setOwnTag("step:settings", "seq=1 state=started since=2026-11-24T10:00:00Z tries=1");
    f.inSync();
    f.advance(SETTLE.plusSeconds(1));
    f.users.then(StepResult.waiting("db starting"));
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.description()).isEqualTo("step users waiting: db starting");
    assertThat(f.settings.runs()).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=done tries=1");
  }

  @Test
  void row33_pollWithAnOlderTokenNeverReportsTheNewFlowsProgress() {
    f.rds.putAvailable(ID, Map.of());
    TagStateMachine engine = f.engine();
    OperationToken old = engine.begin(ID, FLOW);
    f.settings.then(StepResult.failed("bad settings"));
    engine.poll(ID, old);
    f.advance(Duration.ofMinutes(5));
    OperationToken current = engine.begin(ID, FLOW);
    f.rds.resetCounts();

    OperationStatus status = engine.poll(ID, old);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).startsWith("flow restore-from-snapshot failed; since then a newer operation")
        .contains(current.since().toString());
    assertThat(f.rds.totalCalls()).isEqualTo(1);
    assertThat(engine.poll(ID, current).state()).isEqualTo(State.IN_PROGRESS);
  }

  @Test
  void row33_pollWithATokenNewerThanTheTagsWaitsWhileTheTagsMayLag() {
    f.rds.putAvailable(ID, Map.of());
    TagStateMachine engine = f.engine();
    RdsInstance beforeBegin = f.rds.get(ID);
    OperationToken token = engine.begin(ID, FLOW);
    f.rds.describeNextAs(beforeBegin);

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row34_operatorRetryMakesTheFailedStepPendingAndTheNextPollRunsIt() {
    OperationToken token = f.restore();
    f.status("available");
    TagStateMachine engine = f.engine();
    f.settings.then(StepResult.failed("boom"));
    engine.poll(ID, token);
    f.rds.resetCounts();

    OperationToken retried = engine.retry(ID);

    assertThat(retried).isEqualTo(token);
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=pending");
    assertThat(f.tag("flow")).contains("restarted=2026-11-24T10:00:00Z state=running");
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
  }

  @Test
  void operatorRetryAfterTheFlowDeadlineCountsTheDeadlineAnew() {
    OperationToken token = f.restore();
    TagStateMachine engine = f.engine();
    f.advance(Duration.ofDays(2));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.FAILED);

    engine.retry(ID);
    f.status("available");

    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
  }

  @Test
  void operatorRetryOfARunningFlowIsRefusedAndWritesNothing() {
    f.restore();
    f.rds.resetCounts();

    assertThatThrownBy(() -> f.engine().retry(ID)).isInstanceOf(OperatorActionException.class)
        .hasMessageContaining("has not failed");
    assertThat(f.rds.writes()).isZero();
  }

  @Test
  void row35_abortEndsTheOperationAsFailedInOneWriteTouchingNothingElse() {
    OperationToken token = f.restore();
    f.status("available");
    f.rds.resetCounts();

    boolean aborted = f.engine().abort(ID);

    assertThat(aborted).isTrue();
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.rds.count(REMOVE_TAGS)).isZero();
    assertThat(f.rds.tags(ID)).containsEntry("team", "payments");
    assertThat(f.tag("flow")).contains("state=failed").endsWith("reason=flow restore-from-snapshot aborted by an operator");
    assertThat(f.engine().poll(ID, token)).isEqualTo(
        OperationStatus.failed("flow restore-from-snapshot aborted by an operator"));
    assertThat(f.settings.runs()).isZero();
    assertThat(f.engine().abort(ID)).isFalse();
  }

  @Test
  void row36_beginWhileAFlowRunsIsRefusedAndWritesNothing() {
    OperationToken running = f.restore();
    f.rds.resetCounts();

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW))
        .isInstanceOfSatisfying(ConcurrentOperationException.class, e -> assertThat(e.running()).contains(running))
        .hasMessageContaining("still running");
    assertThat(f.rds.totalCalls()).isEqualTo(1);
  }

  @Test
  void row37_beginReplacesAFailedFlowAndRemovesKeysTheNewFlowDoesNotUse() {
    OperationToken token = f.restore();
    f.status("available");
    TagStateMachine engine = f.engine();
    f.settings.then(StepResult.failed("boom"));
    engine.poll(ID, token);
    f.advance(Duration.ofMinutes(1));
    f.rds.resetCounts();

    OperationToken next = engine.begin(ID, FLOW);

    assertThat(next.since()).isAfter(token.since());
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(f.rds.count(ADD_TAGS)).isEqualTo(1);
    assertThat(f.rds.count(REMOVE_TAGS)).isEqualTo(1);
    assertThat(f.tag("param:snapshot")).isNull();
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=pending");
    assertThat(f.tag("flow")).contains("since=2026-11-24T10:01:00Z prev=" + token.operationId().orElseThrow()
        + "/failed state=running");
  }

  @Test
  void row37_beginReplacesAFlowPastItsDeadlineThatNobodyPolled() {
    f.restore();
    f.advance(Duration.ofDays(1).plusMinutes(1));

    OperationToken next = f.engine().begin(ID, FLOW);

    assertThat(f.engine().inspect(ID).operation().orElseThrow().token()).isEqualTo(next);
  }

  @Test
  void row38_beginThatWouldPassFiftyTagsIsRefusedNamingTheLimit() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 47; i++) {
      many.put("k" + i, "v");
    }
    f.rds.putAvailable(ID, many);
    f.rds.resetCounts();

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW)).isInstanceOf(TagLimitException.class)
        .hasMessageContaining("50 tags").hasMessageContaining("47 others");
    assertThat(f.rds.writes()).isZero();
  }

  @Test
  void row38_parameterOutsideTheTagRulesIsRefusedNamingItWithoutTouchingRds() {
    f.rds.putAvailable(ID, Map.of());
    f.rds.resetCounts();

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of("snapshot", "a,b")))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("parameter 'snapshot'")
        .hasMessageContaining("position 1");
    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of("note", "x".repeat(257))))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("at most 256");
    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of("bad name!", "x")))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("parameter name 'bad name!'");
    assertThat(f.rds.totalCalls()).isZero();
  }

  @Test
  void parameterNamedLikeASecretIsRefusedWithoutShowingItsValue() {
    f.rds.putAvailable(ID, Map.of());
    for (String name : List.of("password", "masterPassword", "db_secret", "auth-token", "private_key",
        "api-key", "credentials", "aws_access_key", "key-material")) {
      assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of(name, "hunter2-value")))
          .isInstanceOf(InvalidFlowParameterException.class)
          .hasMessageContaining(name).hasMessageNotContaining("hunter2-value");
    }
    assertThat(f.rds.writes()).isZero();
  }

  @Test
  void beginWithAnUnknownFlowIsRefusedListingTheKnownOnes() {
    f.rds.putAvailable(ID, Map.of());

    assertThatThrownBy(() -> f.engine().begin(ID, "resize")).isInstanceOf(UnknownFlowException.class)
        .hasMessage("no flow named 'resize' is registered; known flows: [restore-from-snapshot]");
  }

  @Test
  void beginOnAMissingInstanceSaysSo() {
    assertThatThrownBy(() -> f.engine().begin("nope", FLOW)).isInstanceOf(InstanceNotFoundException.class)
        .hasMessage("instance nope not found");
  }

  @Test
  void inspectShowsStepsTriesReasonsAndTimes() {
    OperationToken token = f.restore();
    f.status("available");
    TagStateMachine engine = f.engine();
    engine.poll(ID, token);

    Inspection inspection = engine.inspect(ID);

    Inspection.OperationView op = inspection.operation().orElseThrow();
    assertThat(op.token()).isEqualTo(token);
    assertThat(op.running()).isTrue();
    assertThat(op.parameters()).containsEntry("snapshot", "snap-1");
    Inspection.StepView settings = op.steps().get(0);
    assertThat(settings.state()).isEqualTo(Inspection.StepState.STARTED);
    assertThat(settings.tries()).isEqualTo(1);
    assertThat(settings.startedAt()).contains(token.since());
    assertThat(inspection.instance().status()).isEqualTo("available");
  }
}
