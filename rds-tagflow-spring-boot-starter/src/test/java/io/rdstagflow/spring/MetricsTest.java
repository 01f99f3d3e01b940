package io.rdstagflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.micrometer.RdsTagflowMetrics;
import io.rdstagflow.spring.micrometer.RdsTagflowMetricsAutoConfiguration;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.PollDriver;
import io.rdstagflow.testkit.PollHistory;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * Meters and observations of a restore, an update and a retried step run on the fake RDS through
 * the starter: what is counted, and that no meter tag ever carries an instance id.
 */
class MetricsTest {

  static final VirtualClock CLOCK = VirtualClock.create();
  static final FakeRds FAKE = FakeRds.builder().clock(CLOCK).build();
  private static final String RESTORED = "svc-restored-0001";
  private static final String TOUCHED = "svc-touched-0002";

  /** A broker's flows, built on the application's RdsClient bean (so their calls are metered too). */
  @Configuration(proxyBeanMethods = false)
  static class Broker {
    @Bean
    RdsClient rds() {
      return FAKE;
    }

    @Bean
    Flow restore(RdsClient rds) {
      return ReadyFlows.using(rds).restoreFromSnapshot().settings(b -> b.backupRetentionPeriod(7))
          .masterPassword(DerivedPasswordSource.fromSeed("metrics-test-seed-0123456789abcd")).build();
    }

    @Bean
    Flow touch() {
      AtomicInteger runs = new AtomicInteger();
      return Flow.builder("touch").step(new Step() {
        @Override
        public String name() {
          return "touch";
        }

        @Override
        public StepResult run(StepContext context) {
          return runs.incrementAndGet() == 1 ? StepResult.retry("not yet") : StepResult.done();
        }
      }).build();
    }

    @Bean
    RdsTagflowCustomizer virtualTime() {
      return engine -> engine.clock(CLOCK).sleeper(CLOCK::advance).clockSkew(Duration.ZERO);
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(RdsTagflowMetricsAutoConfiguration.class,
          RdsTagflowAutoConfiguration.class))
      .withUserConfiguration(Broker.class);

  @Test
  void aRestoreAnUpdateAndARetryAreCountedWithLowCardinalityTagsOnly() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasNotFailed();
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      ObservedLastOperation answers = context.getBean(ObservedLastOperation.class);
      TagStateMachine engine = context.getBean(TagStateMachine.class);
      FAKE.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly-metrics"));
      OperationToken restore = context.getBean(RdsStarter.class).restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT,
          Map.of(), r -> r.dbInstanceIdentifier(RESTORED).dbSnapshotIdentifier("nightly-metrics")
              .dbInstanceClass("db.t3.micro"));

      PollHistory restored = PollDriver.on(CLOCK).beforeEachPoll(n -> {
        if (n == 3) {
          FAKE.faults().throttleNext(1); // one throttled describe: in progress, counted
        }
      }).build().run(() -> answers.answer(RESTORED, restore.encode()).status());
      FAKE.givenInstance(r -> r.dbInstanceIdentifier(TOUCHED).engine("postgres").dbInstanceClass("db.t3.micro")
          .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
      OperationToken touch = engine.begin(TOUCHED, "touch");
      PollHistory touched = PollDriver.on(CLOCK).build().run(() -> answers.answer(TOUCHED, touch.encode()).status());
      answers.answer("svc-never-existed-3", null);

      assertThat(restored.succeeded()).as(restored.render()).isTrue();
      assertThat(touched.succeeded()).as(touched.render()).isTrue();
      assertThat(count(meters, RdsTagflowMetrics.FLOWS, "flow", "restore-from-snapshot", "outcome", "started")).isEqualTo(1);
      assertThat(count(meters, RdsTagflowMetrics.FLOWS, "flow", "restore-from-snapshot", "outcome", "succeeded"))
          .isEqualTo(1);
      assertThat(count(meters, RdsTagflowMetrics.STEPS, "flow", "restore-from-snapshot", "step", "settings",
          "outcome", "started")).isEqualTo(1);
      assertThat(count(meters, RdsTagflowMetrics.STEPS, "flow", "restore-from-snapshot", "step", "settings",
          "outcome", "done")).isEqualTo(1);
      assertThat(count(meters, RdsTagflowMetrics.STEP_RETRIES, "flow", "touch", "step", "touch")).isEqualTo(1);
      var settings = meters.get(RdsTagflowMetrics.STEP_DURATION).tags("flow", "restore-from-snapshot", "step", "settings")
          .timer();
      assertThat(settings.count()).isEqualTo(1);
      assertThat(settings.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isGreaterThanOrEqualTo(60); // minutes of modify
      assertThat(meters.get(RdsTagflowMetrics.RDS_CALLS).tags("action", "RestoreDBInstanceFromDBSnapshot",
          "outcome", "success").timer().count()).isEqualTo(1);
      assertThat(meters.get(RdsTagflowMetrics.RDS_CALLS).tags("action", "ModifyDBInstance", "outcome", "success")
          .timer().count()).isEqualTo(1);
      assertThat(meters.get(RdsTagflowMetrics.RDS_CALLS).tags("action", "DescribeDBInstances", "outcome", "throttled")
          .timer().count()).isEqualTo(1);
      assertThat(count(meters, RdsTagflowMetrics.RDS_THROTTLES, "action", "DescribeDBInstances")).isEqualTo(1);
      // Polls by outcome: the observations' timers.
      assertThat(meters.get(RdsTagflowObservations.POLL).tags("flow", "restore-from-snapshot", "outcome", "succeeded")
          .timer().count()).isEqualTo(1);
      assertThat(meters.get(RdsTagflowObservations.POLL).tags("flow", "restore-from-snapshot", "outcome", "in-progress")
          .timer().count()).isEqualTo(restored.polls().size() - 1);
      assertThat(meters.get(RdsTagflowObservations.POLL).tags("flow", "none", "outcome", "not-found").timer().count())
          .isEqualTo(1);
      assertThat(meters.get(RdsTagflowObservations.STEP).tags("flow", "touch", "step", "touch", "outcome", "retry")
          .timer().count()).isEqualTo(1);

      Set<String> keys = new HashSet<>();
      for (Meter meter : meters.getMeters()) {
        for (Tag tag : meter.getId().getTags()) {
          keys.add(tag.getKey());
          assertThat(tag.getValue()).as(meter.getId().toString()).doesNotContain("svc-")
              .doesNotContain(RESTORED).doesNotContain(TOUCHED);
        }
      }
      assertThat(keys).isSubsetOf("flow", "step", "outcome", "action", "phase", "error");
      assertThat(meters.getMeters()).extracting(m -> m.getId().getName()).allMatch(n -> n.startsWith("rdstagflow."));
    });
  }

  @Test
  void observationsCarryTheInstanceIdAsAHighCardinalityKey() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(ObservationRegistry.class, () -> observations)
        .run(context -> {
          FAKE.givenInstance(r -> r.dbInstanceIdentifier("svc-observed-0004").engine("postgres")
              .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername("postgres")
              .masterUserPassword("not-used-by-the-test-1"));
          OperationToken touch = context.getBean(TagStateMachine.class).begin("svc-observed-0004", "touch");
          context.getBean(ObservedLastOperation.class).answer("svc-observed-0004", touch.encode());

          TestObservationRegistryAssert.assertThat(observations)
              .hasObservationWithNameEqualTo(RdsTagflowObservations.POLL).that()
              .hasLowCardinalityKeyValue("flow", "touch")
              .hasLowCardinalityKeyValue("outcome", "in-progress")
              .hasHighCardinalityKeyValue(RdsTagflowObservations.INSTANCE_ID, "svc-observed-0004")
              .hasBeenStarted().hasBeenStopped();
          TestObservationRegistryAssert.assertThat(observations)
              .hasObservationWithNameEqualTo(RdsTagflowObservations.STEP).that()
              .hasLowCardinalityKeyValue("step", "touch")
              .hasLowCardinalityKeyValue("outcome", "retry")
              .hasHighCardinalityKeyValue(RdsTagflowObservations.INSTANCE_ID, "svc-observed-0004");
        });
  }

  private static double count(MeterRegistry meters, String name, String... tags) {
    return meters.get(name).tags(tags).counter().count();
  }
}
