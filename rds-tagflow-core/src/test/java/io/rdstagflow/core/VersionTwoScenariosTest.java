package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.FLOW;
import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.ADD_TAGS;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.REMOVE_TAGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.InMemoryRdsGateway.TransientFailure;
import io.rdstagflow.core.testing.MutableClock;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * poll-scenarios.md's version-2 rows (42 to 56) and the items of issue 9 they answer, through the
 * public API on the in-memory gateway. Late writes and lagging describes (rows 39 to 41, 55) are in
 * {@link LateWritesTest}.
 */
class VersionTwoScenariosTest {

  private final EngineFixture f = new EngineFixture();

  // ---- verified completion and deadlines ----

  @Test
  void row42_aStartedStepWhosePostConditionTheDescribeDoesNotShowWaitsSayingWhatFor() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);
    f.settings.complete(false);
    f.advance(Duration.ofMinutes(10));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(status.description()).isEqualTo("step settings started; waiting for: the script says not yet");
    assertThat(f.users.runs()).isZero();
    f.settings.complete(true);
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void row43_item6_workThatFinishedLongAgoPolledHoursLaterIsDoneNotFailedOnItsDeadline() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token); // settings started; the step deadline is 2 h
    f.advance(Duration.ofHours(3)); // the platform did not poll for 3 hours

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.users.runs()).isEqualTo(1);
  }

  @Test
  void row44_item11_aStepMeetingOnlyTransientErrorsFailsAtItsDeadlineNamingTheLastError() {
    f.settings.always(StepResult.done());
    ScriptedStep settings = f.settings;
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    for (int i = 0; i < 200; i++) {
      settings.thenThrow(new TransientFailure("InvalidDBInstanceState"));
    }
    engine.poll(ID, token);
    assertThat(f.tag("step:settings")).startsWith("seq=1 state=running since=2026-11-24T10:00:00Z");

    f.advance(Duration.ofHours(1));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.advance(Duration.ofHours(1).plusSeconds(1));
    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).startsWith("step settings exceeded its deadline of 2 h")
        .contains("transient error InvalidDBInstanceState");
  }

  @Test
  void row45_item13_anOperatorsRetryAfterADeadlineFailureRestartsTheRunningStepsClock() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    engine.poll(ID, token);
    f.status("modifying"); // stuck for longer than the step deadline of 2 h
    f.advance(Duration.ofHours(2).plusSeconds(1));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.FAILED);
    f.advance(Duration.ofMinutes(5));

    engine.retry(ID);
    f.advance(Duration.ofMinutes(1));

    assertThat(engine.poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.status("available");
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
  }

  @Test
  void row45_aRetryAfterTheFlowDeadlineGivesTheRunningStepItsTimeAgain() {
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
    assertThat(engine.poll("db", token).description()).startsWith("flow short exceeded its flow deadline of 1 h");

    engine.retry("db");
    clock.advance(Duration.ofMinutes(30));

    assertThat(engine.poll("db", token).state()).isEqualTo(State.IN_PROGRESS);
  }

  @Test
  void row46_item13_aStepTimeBeforeItsOperationsStartFromASlowClockIsReadAsTheStart() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("available");
    // A host whose clock is 3 h slow started the step.
    f.setOwnTag("step:settings", "seq=1 state=started since=2026-11-24T07:00:00Z tries=1");
    f.status("modifying");
    f.advance(Duration.ofMinutes(1));

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.IN_PROGRESS);
    f.status("available");
    assertThat(engine.poll(ID, token).description()).as("its settle time counts from the operation's start too")
        .isEqualTo("flow restore-from-snapshot succeeded");
  }

  // ---- begin ----

  @Test
  void row47_item7_beginRepeatedAfterItsWriteLandedButItsAnswerWasLostGivesTheSameOperation() {
    TagStateMachine engine = f.engine();
    f.rds.putAvailable(ID, Map.of("team", "payments"));
    for (int i = 0; i < 3; i++) { // begin tries its write three times; every answer is lost
      f.rds.loseNextAnswer(ADD_TAGS, new TransientFailure("RequestTimeout"));
    }

    assertThatThrownBy(() -> engine.begin(ID, FLOW, Map.of("plan", "large")))
        .isInstanceOf(RdsCallException.class).hasMessageContaining("RequestTimeout");
    f.rds.resetCounts();
    OperationToken again = engine.begin(ID, FLOW, Map.of("plan", "large"));

    assertThat(f.rds.writes()).as("nothing new written").isZero();
    assertThat(again.operationId()).contains(f.opId());
    assertThat(engine.poll(ID, again).description()).isEqualTo("step settings started");
    assertThatThrownBy(() -> engine.begin(ID, FLOW, Map.of("plan", "small")))
        .isInstanceOf(ConcurrentOperationException.class);
  }

  @Test
  void row47_aBeginWhoseWriteTimesOutTriesTheSameTagsAgainSoALateLandingCannotReplaceIt() {
    TagStateMachine engine = f.engine();
    f.rds.putAvailable(ID, Map.of());
    f.rds.failNext(ADD_TAGS, new TransientFailure("RequestTimeout"));
    f.rds.resetCounts();

    OperationToken token = engine.begin(ID, FLOW, Map.of());

    assertThat(f.rds.count(ADD_TAGS)).as("the same write, tried twice").isEqualTo(2);
    assertThat(f.rds.tags(ID).get("tagflow:flow")).startsWith("op=" + token.operationId().orElseThrow());
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
  }

  @Test
  void row47_item7_beginWhoseRemovalOfTheOlderOperationsKeysIsThrottledStillBegins() {
    TagStateMachine engine = f.engine();
    OperationToken old = f.restore(); // with a parameter the next operation does not have
    f.status("available");
    f.settings.then(StepResult.failed("boom"));
    engine.poll(ID, old);
    f.rds.failNext(REMOVE_TAGS, new TransientFailure("Throttling"));

    OperationToken next = engine.begin(ID, FLOW, Map.of());

    assertThat(f.rds.tags(ID)).containsKey("tagflow:param:snapshot");
    assertThat(engine.poll(ID, next).description()).isEqualTo("step settings started");
    assertThat(f.rds.tags(ID)).as("the next write removes the leftover").doesNotContainKey("tagflow:param:snapshot");
  }

  // ---- versioned flows ----

  private final Step protect = ScriptedStep.done("protect");

  private Flow v1() {
    return Flow.builder("update").step(f.settings).step(f.users).build();
  }

  private Flow v2() {
    return Flow.builder("update").version(2).step(f.settings).step(protect).step(f.users).build();
  }

  private TagStateMachine engineWith(Flow... flows) {
    TagStateMachine.Builder b = TagStateMachine.builder(f.rds).clock(f.clock).settleTime(SETTLE)
        .clockSkew(Duration.ZERO);
    for (Flow flow : flows) {
      b.flow(flow);
    }
    return b.build();
  }

  @Test
  void row48_item8_duringARollingDeployEachOperationFinishesOnItsOwnDefinition() {
    f.rds.putAvailable(ID, Map.of());
    TagStateMachine oldBroker = engineWith(v1());
    TagStateMachine newBroker = engineWith(v1(), v2());

    OperationToken begunByNew = newBroker.begin(ID, "update", Map.of());
    assertThat(begunByNew.definition()).isEqualTo(2);
    f.rds.resetCounts();
    OperationStatus seenByOld = oldBroker.poll(ID, begunByNew);
    assertThat(seenByOld.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(seenByOld.description()).contains("definition 2 is not registered");
    assertThat(f.rds.writes()).isZero();
    assertThat(f.settings.runs()).isZero();
    newBroker.poll(ID, begunByNew);
    f.advance(SETTLE.plusSeconds(1));
    assertThat(newBroker.poll(ID, begunByNew).state()).isEqualTo(State.SUCCEEDED);

    OperationToken begunByOld = oldBroker.begin(ID, "update", Map.of());
    assertThat(begunByOld.definition()).isEqualTo(1);
    newBroker.poll(ID, begunByOld);
    f.advance(SETTLE.plusSeconds(1));
    assertThat(newBroker.poll(ID, begunByOld).state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.tag("flow")).contains("def=1");
  }

  @Test
  void row48_anOperationOfADefinitionTheEngineNoLongerHasFailsNamingItAndAnOperatorMovesItOn() {
    f.rds.putAvailable(ID, Map.of());
    TagStateMachine oldBroker = engineWith(v1());
    OperationToken token = oldBroker.begin(ID, "update", Map.of());
    oldBroker.poll(ID, token); // settings started
    f.advance(SETTLE.plusSeconds(1));
    f.users.then(StepResult.waiting("database starting"));
    oldBroker.poll(ID, token); // settings done, users waiting
    TagStateMachine newOnly = engineWith(v2());

    OperationStatus status = newOnly.poll(ID, token);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("definition 1 is not registered").contains("move the operation");
    OperationToken moved = newOnly.moveToDefinition(ID, 2);
    assertThat(moved.operationId()).isEqualTo(token.operationId());
    assertThat(moved.definition()).isEqualTo(2);
    assertThat(f.tag("step:settings")).isEqualTo("seq=1 state=done");
    assertThat(f.tag("step:protect")).isEqualTo("seq=2 state=pending");
    int settingsRuns = f.settings.runs();
    assertThat(newOnly.poll(ID, moved).state()).isEqualTo(State.SUCCEEDED);
    assertThat(f.settings.runs()).as("a step done before the move is not run again").isEqualTo(settingsRuns);
  }

  @Test
  void row48_aChangedListOfStepsWithoutANewVersionIsRefusedAtBuildAndAtPollTime() {
    Flow other = Flow.builder("update").step(f.settings).step(protect).step(f.users).build();
    assertThatThrownBy(() -> TagStateMachine.builder(f.rds).flow(v1()).flow(other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a new version number");

    f.rds.putAvailable(ID, Map.of());
    OperationToken token = engineWith(v1()).begin(ID, "update", Map.of());
    OperationStatus status = engineWith(other).poll(ID, token);
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("a changed list of steps needs a new version number");
    assertThat(f.settings.runs()).isZero();
  }

  // ---- the prefix, statuses, room ----

  @Test
  void row49_item9_aUserTagSharingThePrefixIsNeverRemovedOrJudged() {
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock).clockSkew(Duration.ZERO)
        .tagPrefix("broker:").build();
    f.rds.putAvailable(ID, Map.of("broker:service-instance-guid", "8d3e", "broker:flow-owner", "team-a"));

    OperationToken token = engine.begin(ID, FLOW, Map.of());
    engine.poll(ID, token);
    f.advance(Duration.ofMinutes(1));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
    engine.begin(ID, FLOW, Map.of());
    engine.abort(ID);

    assertThat(f.rds.tags(ID)).containsEntry("broker:service-instance-guid", "8d3e")
        .containsEntry("broker:flow-owner", "team-a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"RDS:flow:", "Aws:x/", "broker"})
  void item9_item15_aPrefixAUserTagCouldShareOrRdsRefusesIsRefusedUpFront(String prefix) {
    assertThatThrownBy(() -> TagStateMachine.builder(f.rds).tagPrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag prefix '" + prefix + "' is not usable");
  }

  @Test
  void row50_item10_pendingValuesTheOwnerDeferredToTheMaintenanceWindowAreSettledAfterTheSettleTime() {
    TagStateMachine engine = f.engine();
    f.rds.putAvailable(ID, Map.of());
    f.rds.setPending(ID, Set.of("MultiAZ")); // the owner's change, waiting for the maintenance window
    OperationToken token = engine.begin(ID, FLOW, Map.of());

    assertThat(engine.poll(ID, token).description()).contains("pending MultiAZ");
    f.advance(SETTLE.plusSeconds(1));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
    f.advance(SETTLE.minusSeconds(5));
    assertThat(engine.poll(ID, token).description()).as("within the settle time of the last action: busy")
        .contains("pending MultiAZ");
    f.advance(Duration.ofSeconds(10));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void row51_item10_storageOptimizationIsUsableAndStorageFullRunsOnlyAStepThatRepairsIt() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();
    f.status("storage-optimization");
    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");

    Step grow = new Step() {
      @Override
      public String name() {
        return "grow";
      }

      @Override
      public StepResult run(StepContext context) {
        return StepResult.done();
      }

      @Override
      public Set<String> repairs() {
        return Set.of("storage-full");
      }
    };
    TagStateMachine growing = TagStateMachine.builder(f.rds).flow(Flow.builder("grow").step(grow).build())
        .clock(f.clock).build();
    f.rds.putAvailable("full", Map.of());
    f.rds.setStatus("full", "storage-full");
    assertThat(growing.poll("full", growing.begin("full", "grow", Map.of())).state()).isEqualTo(State.SUCCEEDED);

    f.rds.putAvailable("full-2", Map.of());
    f.rds.setStatus("full-2", "storage-full");
    OperationToken other = engine.begin("full-2", FLOW, Map.of());
    assertThat(engine.poll("full-2", other).description()).contains("instance status storage-full");
  }

  @Test
  void row52_item12_everyStartCountsTheLeaseTagSoNoAcceptedStartLaterRunsOutOfRoom() {
    // 44 + 5 + the lease fit; 45 + 5 + the lease do not.
    TagStateMachine claiming = f.engine(ClaimPolicy.lease(Duration.ofMinutes(2)), "owner-a");
    FlowStart start = claiming.startTags(ID, FLOW, Map.of("snapshot", "s")); // 5 tags and the lease
    Map<String, String> brokers = new HashMap<>();
    for (int i = 0; i < 44; i++) {
      brokers.put("k" + i, "v");
    }
    assertThat(start.reserved()).isEqualTo(1);
    assertThat(start.mergedWith(brokers)).hasSize(49);
    brokers.put("k44", "v");
    assertThatThrownBy(() -> start.mergedWith(brokers)).isInstanceOf(TagLimitException.class);

    brokers.put("k45", "v");
    f.rds.putAvailable("db-b", brokers); // 46 tags; the flow needs 4 and the lease 1
    assertThatThrownBy(() -> claiming.begin("db-b", FLOW, Map.of())).isInstanceOf(TagLimitException.class);
    assertThat(f.rds.tags("db-b")).hasSize(46);
  }

  @Test
  void row53_item12_aStartRefusedBeforeOrByRdsIsNeverReportedAsBegun() {
    TagStateMachine engine = f.engine();
    FlowStart start = engine.startTags(ID, FLOW, Map.of());
    assertThat(f.events.events).isEmpty();

    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 48; i++) {
      many.put("k" + i, "v");
    }
    f.rds.putAvailable("db-full", many);
    assertThatThrownBy(() -> engine.begin("db-full", FLOW, Map.of())).isInstanceOf(TagLimitException.class);
    assertThat(f.events.events).isEmpty();

    engine.startAccepted(ID, start);
    assertThat(f.events.events).containsExactly("flowStarted " + FLOW);
  }

  // ---- bad input ----

  @ParameterizedTest
  @ValueSource(strings = {"db-pass", "master-pw", "creds", "db-uri", "DB_PASSWORD", "apiKey", "connection-string",
      "jdbc-url", "auth-token"})
  void item14_parametersNamedLikeASecretAreRefused(String name) {
    f.rds.putAvailable(ID, Map.of());

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of(name, "x")))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("named like a secret");
    assertThat(f.rds.writes()).isZero();
  }

  @Test
  void item14_aValueCarryingUriCredentialsIsRefusedWithoutShowingIt() {
    f.rds.putAvailable(ID, Map.of());

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of("source", "postgresql://app:S3cret@db:5432/app")))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("URI with a user and password")
        .hasMessageNotContaining("S3cret");
    assertThat(f.engine().begin(ID, FLOW, Map.of("snapshot", "nightly", "instance-class", "db.t3.large",
        "source-host", "db.example.com"))).isNotNull();
  }

  @Test
  void item15_aValueRdsRefusesInAnyCaseIsAClearErrorNotAnRdsCallException() {
    f.rds.putAvailable(ID, Map.of());

    assertThatThrownBy(() -> f.engine().begin(ID, FLOW, Map.of("class", "AWS:db.t3.large")))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("may not begin with aws: or rds:");
  }

  @Test
  void item15_aDeadlineTooLongToComputeWithIsRefused() {
    assertThatThrownBy(() -> Deadline.of(ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 3650 days");
  }

  @Test
  void item15_aMissingFlowParameterFailsTheStepNamingItAndDeclaredOnesAreCheckedAtBegin() {
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
    Step declaring = new Step() {
      @Override
      public String name() {
        return "declaring";
      }

      @Override
      public StepResult run(StepContext context) {
        return StepResult.done();
      }

      @Override
      public Set<String> requiredParameters() {
        return Set.of("plan");
      }
    };
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(Flow.builder("needy").step(needy).build())
        .flow(Flow.builder("declaring").step(declaring).build()).clock(f.clock).build();
    f.rds.putAvailable(ID, Map.of());

    OperationStatus status = engine.poll(ID, engine.begin(ID, "needy", Map.of()));

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo(
        "step needy failed: flow needy was begun without the parameter instance-class that step needy needs");
    assertThatThrownBy(() -> engine.begin(ID, "declaring", Map.of()))
        .isInstanceOf(InvalidFlowParameterException.class).hasMessageContaining("needs the parameter plan");
  }

  // ---- a public answer to "is an operation running" ----

  @Test
  void runningOperationIsWhatBeginRefusesForWithItsDeadline() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.restore();

    Inspection.OperationView running = engine.runningOperation(ID).orElseThrow();
    assertThat(running.token()).isEqualTo(token);
    assertThat(running.flowDeadline()).isEqualTo(token.since().plus(Duration.ofDays(1)));

    f.advance(Duration.ofDays(1).plusSeconds(1));
    assertThat(engine.runningOperation(ID)).as("past its flow deadline, begin replaces it").isEmpty();
    assertThat(engine.inspect(ID).operation()).isPresent();
  }
}
