package io.rdstagflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.UnknownFlowException;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One wiring: the client given once, flows by object, the engine and the starter on that client. */
class RdsTagflowTest {

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds = FakeRds.builder().clock(clock).timings(LifecycleTimings.defaults()).seed(3).build();
  private final DerivedPasswordSource passwords = DerivedPasswordSource.fromSeed("wiring-test-seed-0123456789ab");

  @Test
  void theClientGivenOnceRunsAReadyRestoreAndAnUpdateEndToEnd() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly").engine("postgres").engineVersion("15.4")
        .allocatedStorage(20).masterUsername("master"));
    RdsTagflow tagflow = RdsTagflow.builder(rds)
        .flow(ready -> ready.restoreFromSnapshot().settings(b -> b.backupRetentionPeriod(7)).masterPassword(passwords)
            .build())
        .flow(ready -> ready.updatePlan().settings((ctx, b) -> b.dbInstanceClass(ctx.parameter("instance-class")))
            .build())
        .engine(b -> b.clock(clock).sleeper(clock::advance).settleTime(Duration.ofSeconds(30)))
        .build();

    OperationToken restore = tagflow.starter().restoreFromSnapshot(tagflow.flow(ReadyFlows.RESTORE_FROM_SNAPSHOT),
        Map.of(), r -> r.dbInstanceIdentifier("svc-1").dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro"));
    assertThat(PollDriver.on(clock).build().run(() -> tagflow.engine().poll("svc-1", restore)).succeeded()).isTrue();
    OperationToken update = tagflow.engine().begin("svc-1", tagflow.flow(ReadyFlows.UPDATE_PLAN),
        Map.of("instance-class", "db.t3.large"));

    assertThat(PollDriver.on(clock).build().run(() -> tagflow.engine().poll("svc-1", update)).succeeded()).isTrue();
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("svc-1")).dbInstances().get(0).dbInstanceClass())
        .isEqualTo("db.t3.large");
    assertThat(tagflow.rds()).isSameAs(rds);
  }

  @Test
  void theClusterEngineDrawsOnTheInstanceEnginesApiBudget() {
    RdsTagflow tagflow = RdsTagflow.builder(rds)
        .flow(ready -> ready.updatePlan().settings(b -> b.dbInstanceClass("db.t3.large")).build())
        .clusterFlow(ready -> ready.delete().skipFinalSnapshot().build())
        .engine(b -> b.clock(clock).apiBudget(3, 9))
        .build();

    assertThat(tagflow.clusterEngine().apiBudget()).isSameAs(tagflow.engine().apiBudget());
    assertThat(tagflow.engine().apiBudget().maxRate()).isEqualTo(3.0);
  }

  @Test
  void aFlowTheEngineDoesNotHaveIsRefusedBeforeAnyCall() {
    RdsTagflow tagflow = RdsTagflow.builder(rds).flow(Flow.builder("noop").step(new Step() {
      @Override
      public String name() {
        return "noop";
      }

      @Override
      public StepResult run(StepContext context) {
        return StepResult.done();
      }
    }).build()).engine(b -> b.clock(clock)).build();
    Flow stranger = ReadyFlows.using(rds).restoreFromSnapshot().masterPassword(passwords).build();

    assertThatThrownBy(() -> tagflow.starter().restoreFromSnapshot(stranger, Map.of(),
        r -> r.dbInstanceIdentifier("svc-2").dbSnapshotIdentifier("nightly")))
        .isInstanceOf(UnknownFlowException.class);
    assertThat(rds.calls().all()).isEmpty();
    assertThatThrownBy(() -> tagflow.flow("restore-from-snapshot")).isInstanceOf(UnknownFlowException.class)
        .hasMessageContaining("[noop]");
    assertThatThrownBy(() -> RdsTagflow.builder(rds).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("register at least one flow");
  }

  @Test
  void aReadyFlowTakesADefinitionVersion() {
    Flow v2 = ReadyFlows.using(rds).updatePlan().settings(b -> b.dbInstanceClass("db.t3.large")).version(2).build();

    assertThat(v2.version()).isEqualTo(2);
    assertThatThrownBy(() -> ReadyFlows.updatePlan(rds).version(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
