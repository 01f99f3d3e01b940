package io.rdstagflow.aws;

import static io.rdstagflow.aws.RestoreFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.RetryPolicy;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepPolicy;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.testkit.PollHistory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The ready flows are open: further steps after their own, and a core builder pre-filled. */
class ReadyFlowsTest {

  private final RestoreFixture f = new RestoreFixture();

  /** A step that records the instances it ran on and is done at once. */
  private static final class Recording implements Step {
    private final String name;
    final List<String> ranOn = new CopyOnWriteArrayList<>();

    Recording(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public StepResult run(StepContext context) {
      ranOn.add(context.instanceId());
      return StepResult.done();
    }
  }

  private static List<String> names(Flow flow) {
    return flow.steps().stream().map(Step::name).toList();
  }

  @Test
  void aRestoreFlowRunsFurtherStepsAfterItsOwnToTheEnd() {
    Recording extension = new Recording("create-extension");
    Flow flow = ReadyFlows.restoreFromSnapshot(f.rds)
        .settings(b -> b.dbParameterGroupName("pg-custom").backupRetentionPeriod(7))
        .masterPassword(f.passwords)
        .then(extension)
        .build();
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(f.rds)).flow(flow).clock(f.clock)
        .settleTime(Duration.ofSeconds(30)).build();
    OperationToken token = new RdsStarter(f.rds, engine).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
        Map.of(), r -> r.dbInstanceIdentifier(ID).dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro"));

    PollHistory history = f.pollUntilDone(() -> engine.poll(ID, token));

    assertThat(names(flow)).containsExactly("settings", "reboot", "users", "create-extension");
    assertThat(history.succeeded()).as(history.render()).isTrue();
    assertThat(extension.ranOn).containsExactly(ID);
  }

  @Test
  void furtherStepsTakeTheFlowsPoliciesOrTheirOwn() {
    RetryPolicy retry = RetryPolicy.maxAttempts(7);
    Deadline stepDeadline = Deadline.of(Duration.ofHours(5));
    StepPolicy own = new StepPolicy(RetryPolicy.maxAttempts(2), Deadline.of(Duration.ofMinutes(20)));

    Flow flow = ReadyFlows.restoreToPointInTime(f.rds).managedMasterPassword()
        .retryPolicy(retry).stepDeadline(stepDeadline).flowDeadline(Deadline.of(Duration.ofDays(3)))
        .then(new Recording("first")).then(new Recording("second"), own)
        .build();

    assertThat(flow.name()).isEqualTo(ReadyFlows.RESTORE_TO_POINT_IN_TIME);
    assertThat(names(flow)).containsExactly("settings", "reboot", "users", "first", "second");
    assertThat(flow.policy(0)).isEqualTo(new StepPolicy(retry, stepDeadline));
    assertThat(flow.policy(3)).isEqualTo(new StepPolicy(retry, stepDeadline));
    assertThat(flow.policy(4)).isEqualTo(own);
    assertThat(flow.deadline().toString()).isEqualTo(Deadline.of(Duration.ofDays(3)).toString());
  }

  @Test
  void toFlowBuilderHandsOverACoreBuilderHoldingTheStepsAndPolicies() {
    RetryPolicy retry = RetryPolicy.maxAttempts(4);

    Flow.Builder core = ReadyFlows.restoreFromSnapshot(f.rds).masterPassword(f.passwords).retryPolicy(retry)
        .then(new Recording("audit")).toFlowBuilder();
    Flow flow = core.step(new Recording("notify")).build();

    assertThat(flow.name()).isEqualTo(ReadyFlows.RESTORE_FROM_SNAPSHOT);
    assertThat(names(flow)).containsExactly("settings", "reboot", "users", "audit", "notify");
    assertThat(flow.policy(4).retry()).isEqualTo(retry);
  }

  @Test
  void aFurtherStepNamedLikeAReadyOneIsRefusedAndAMissingPasswordChoiceToo() {
    assertThatThrownBy(() -> ReadyFlows.restoreFromSnapshot(f.rds).masterPassword(f.passwords)
        .then(new Recording("users")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a step named users");
    assertThatThrownBy(() -> ReadyFlows.restoreFromSnapshot(f.rds).then(new Recording("x")).toFlowBuilder())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs masterPassword(source) or managedMasterPassword()");
  }

  @Test
  void updatePlanIsABuilderLikeTheRestoreFlows() {
    RetryPolicy retry = RetryPolicy.maxAttempts(3);
    Deadline stepDeadline = Deadline.of(Duration.ofHours(6));
    Recording check = new Recording("check-plan");

    Flow flow = ReadyFlows.updatePlan(f.rds)
        .settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("class")))
        .retryPolicy(retry).stepDeadline(stepDeadline).flowDeadline(Deadline.of(Duration.ofDays(2)))
        .then(check)
        .build();

    assertThat(flow.name()).isEqualTo(ReadyFlows.UPDATE_PLAN);
    assertThat(names(flow)).containsExactly("settings", "reboot", "check-plan");
    assertThat(flow.policy(2)).isEqualTo(new StepPolicy(retry, stepDeadline));
    assertThat(flow.deadline().toString()).isEqualTo(Deadline.of(Duration.ofDays(2)).toString());
    assertThat(names(ReadyFlows.updatePlan(f.rds).settings(b -> b.allocatedStorage(100)).toFlowBuilder()
        .step(new Recording("more")).build())).containsExactly("settings", "reboot", "more");
  }

  @Test
  void updatePlanWithoutSettingsIsRefusedAndTheSimplePathStays() {
    assertThatThrownBy(() -> ReadyFlows.updatePlan(f.rds).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs settings(...)");

    Flow simple = ReadyFlows.updatePlan(f.rds, (ctx, b) -> b.backupRetentionPeriod(3));

    assertThat(simple.name()).isEqualTo(ReadyFlows.UPDATE_PLAN);
    assertThat(names(simple)).containsExactly("settings", "reboot");
  }

  @Test
  void anExtendedPlanUpdateRunsOnTheFakeToSucceededAfterTheNewClassIsShown() {
    f.rds.givenInstance(r -> r.dbInstanceIdentifier("plan-1").engine("postgres").engineVersion("15.4")
        .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername("master").masterUserPassword("initial-pw-1"));
    Recording check = new Recording("check-plan");
    Flow flow = ReadyFlows.updatePlan(f.rds).settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("class")))
        .then(check).build();
    TagStateMachine engine = TagStateMachine.builder(new SdkRdsGateway(f.rds)).flow(flow).clock(f.clock)
        .settleTime(Duration.ofSeconds(30)).build();

    OperationToken token = engine.begin("plan-1", ReadyFlows.UPDATE_PLAN, Map.of("class", "db.m5.large"));
    PollHistory history = f.pollUntilDone(() -> engine.poll("plan-1", token));

    assertThat(history.finalStatus().state()).as(history.render()).isEqualTo(OperationStatus.State.SUCCEEDED);
    assertThat(check.ranOn).containsExactly("plan-1");
    assertThat(f.rds.describeDBInstances(r -> r.dbInstanceIdentifier("plan-1")).dbInstances().get(0).dbInstanceClass())
        .isEqualTo("db.m5.large");
  }
}
