package io.rdstagflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rdstagflow.aws.DerivedPasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.RdsTagflow;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.aws.SdkRdsGateway;
import io.rdstagflow.aws.osb.LastOperation;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowListener;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.micrometer.MeteredRdsClient;
import io.rdstagflow.spring.micrometer.RdsTagflowMetrics;
import io.rdstagflow.spring.micrometer.RdsTagflowMetricsAutoConfiguration;
import io.rdstagflow.spring.servicebroker.RdsTagflowServiceBrokerAutoConfiguration;
import io.rdstagflow.spring.servicebroker.ServiceBrokerLastOperation;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import software.amazon.awssdk.services.rds.RdsClient;

/** The auto-configuration on and off, backing off for the application's beans, properties, failures. */
class RdsTagflowAutoConfigurationTest {

  private static final DerivedPasswordSource PASSWORDS = DerivedPasswordSource.fromSeed("starter-test-seed-0123456789ab");

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds fake = FakeRds.builder().clock(clock).build();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(RdsTagflowMetricsAutoConfiguration.class,
          RdsTagflowAutoConfiguration.class, RdsTagflowServiceBrokerAutoConfiguration.class));

  private ApplicationContextRunner withRdsAndFlows() {
    return runner
        .withBean(RdsClient.class, () -> fake)
        .withBean("restore", Flow.class, () -> ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS)
            .build())
        .withBean("update", Flow.class, () -> ReadyFlows.using(fake).updatePlan()
            .settings(b -> b.dbInstanceClass("db.t3.large")).build())
        .withBean(RdsTagflowCustomizer.class, () -> engine -> engine.clock(clock).sleeper(clock::advance));
  }

  @Test
  void anRdsClientAndFlowsGiveTheWiringTheEngineTheStarterAndTheAnswer() {
    withRdsAndFlows().run(context -> {
      assertThat(context).hasNotFailed();
      RdsTagflow tagflow = context.getBean(RdsTagflow.class);
      assertThat(context.getBean(TagStateMachine.class)).isSameAs(tagflow.engine());
      assertThat(context.getBean(RdsStarter.class)).isSameAs(tagflow.starter());
      assertThat(tagflow.flows()).extracting(Flow::name)
          .containsExactly(ReadyFlows.RESTORE_FROM_SNAPSHOT, ReadyFlows.UPDATE_PLAN);
      assertThat(context).hasSingleBean(LastOperation.class).hasSingleBean(ObservedLastOperation.class)
          .hasSingleBean(ServiceBrokerLastOperation.class);
      assertThat(context).doesNotHaveBean(RdsTagflowMetrics.class); // no MeterRegistry
      assertThat(MeteredRdsClient.isMetered(context.getBean(RdsClient.class))).isFalse();
    });
  }

  @Test
  void theBrokersOwnFlowObjectIsAcceptedByTheEngine() {
    withRdsAndFlows().run(context -> {
      fake.givenSnapshot(s -> s.dbSnapshotIdentifier("nightly"));
      Flow restore = context.getBean("restore", Flow.class);
      OperationToken token = context.getBean(RdsStarter.class).restoreFromSnapshot(restore, Map.of(),
          r -> r.dbInstanceIdentifier("svc-1").dbSnapshotIdentifier("nightly").dbInstanceClass("db.t3.micro"));
      assertThat(context.getBean(TagStateMachine.class).poll("svc-1", token).description())
          .isEqualTo("instance is creating; next: step settings");
    });
  }

  @Test
  void offWithThePropertyOrWithoutTheLibraryOnTheClassPath() {
    withRdsAndFlows().withPropertyValues("rdstagflow.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TagStateMachine.class)
            .doesNotHaveBean(RdsTagflow.class).doesNotHaveBean(ServiceBrokerLastOperation.class));
    withRdsAndFlows().withClassLoader(new FilteredClassLoader(RdsTagflow.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TagStateMachine.class));
  }

  @Test
  void withoutSpringCloudOpenServiceBrokerThereIsNoServiceBrokerAnswer() {
    withRdsAndFlows().withClassLoader(new FilteredClassLoader(GetLastServiceOperationResponse.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ObservedLastOperation.class)
            .doesNotHaveBean(ServiceBrokerLastOperation.class));
  }

  @Test
  void anEngineOfTheApplicationsReplacesTheWiringAndTheStarterUsesIt() {
    runner.withBean(RdsClient.class, () -> fake)
        .withBean(TagStateMachine.class, () -> TagStateMachine.builder(new SdkRdsGateway(fake))
            .flow(ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS).build())
            .tagPrefix("mine:").build())
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(RdsTagflow.class).hasSingleBean(RdsStarter.class);
          assertThat(context.getBean(TagStateMachine.class).tagPrefix()).isEqualTo("mine:");
          assertThat(context.getBean(LastOperation.class)).isNotNull();
        });
  }

  @Test
  void eachBeanBacksOffForTheApplicationsOwn() {
    withRdsAndFlows()
        .withBean(RdsStarter.class, () -> new RdsStarter(fake, TagStateMachine.builder(new SdkRdsGateway(fake))
            .flow(ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS).build()).build()))
        .withBean(LastOperation.class, () -> LastOperation.builder(TagStateMachine.builder(new SdkRdsGateway(fake))
            .flow(ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS).build()).build())
            .updateFlows(List.of("mine")).build())
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(RdsStarter.class).hasSingleBean(LastOperation.class);
          assertThat(context.getBean(RdsStarter.class)).isNotSameAs(context.getBean(RdsTagflow.class).starter());
          assertThat(context.getBean(LastOperation.class).updateFlows()).containsExactly("mine");
        });
  }

  @Test
  void propertiesBindToTheEngine() {
    withRdsAndFlows().withPropertyValues(
            "rdstagflow.tag-prefix=broker:",
            "rdstagflow.settle-time=45s",
            "rdstagflow.poll-budget=10s",
            "rdstagflow.clock-skew=5s",
            "rdstagflow.transient-retry-after=7s",
            "rdstagflow.owner-id=replica-1",
            "rdstagflow.claim-lease=2m",
            "rdstagflow.status-policy.broken=maintenance",
            "rdstagflow.status-policy.usable=upgrading",
            "rdstagflow.osb.update-flows=update-plan,resize",
            "rdstagflow.api-budget.rate=3",
            "rdstagflow.api-budget.burst=9",
            "rdstagflow.coalescing-window=200ms")
        .run(context -> {
          assertThat(context).hasNotFailed();
          RdsTagflowProperties p = context.getBean(RdsTagflowProperties.class);
          assertThat(p.getSettleTime()).isEqualTo(Duration.ofSeconds(45));
          assertThat(p.getPollBudget()).isEqualTo(Duration.ofSeconds(10));
          assertThat(p.getClockSkew()).isEqualTo(Duration.ofSeconds(5));
          assertThat(p.getClaimLease()).isEqualTo(Duration.ofMinutes(2));
          TagStateMachine engine = context.getBean(TagStateMachine.class);
          assertThat(engine.tagPrefix()).isEqualTo("broker:");
          assertThat(engine.ownerId()).isEqualTo("replica-1");
          assertThat(engine.apiBudget().maxRate()).isEqualTo(3.0);
          assertThat(engine.apiBudget().burst()).isEqualTo(9.0);
          assertThat(p.getCoalescingWindow()).isEqualTo(Duration.ofMillis(200));
          assertThat(context.getBean(LastOperation.class).updateFlows()).containsExactlyInAnyOrder("update-plan",
              "resize");

          fake.givenInstance(r -> r.dbInstanceIdentifier("svc-1").engine("postgres").dbInstanceClass("db.t3.micro")
              .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
          fake.faults().throttleNext(1);
          assertThat(engine.poll("svc-1").retryAfter()).contains(Duration.ofSeconds(7)); // transient-retry-after
          fake.faults().failInstance("svc-1", "maintenance");
          assertThat(engine.poll("svc-1").description()).isEqualTo("instance status maintenance"); // broken
          fake.faults().failInstance("svc-1", "upgrading");
          assertThat(engine.poll("svc-1").description()).isEqualTo("instance is upgrading"); // usable: succeeded
        });
  }

  @Test
  void aClaimLeaseMakesTheEngineClaimStepsWithALeaseTag() {
    withRdsAndFlows().withPropertyValues("rdstagflow.claim-lease=2m", "rdstagflow.owner-id=replica-1").run(context -> {
      TagStateMachine engine = context.getBean(TagStateMachine.class);
      fake.givenInstance(r -> r.dbInstanceIdentifier("svc-1").engine("postgres").dbInstanceClass("db.t3.micro")
          .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
      OperationToken token = engine.begin("svc-1", ReadyFlows.UPDATE_PLAN);
      engine.poll("svc-1", token);
      assertThat(fake.describeDBInstances(r -> r.dbInstanceIdentifier("svc-1")).dbInstances().get(0).tagList())
          .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).startsWith("tagflow:lease=").contains("replica-1"));
    });
  }

  @Test
  void codeCustomizersComeAfterTheProperties() {
    withRdsAndFlows().withPropertyValues("rdstagflow.tag-prefix=prop:")
        .withBean("prefix", RdsTagflowCustomizer.class, () -> engine -> engine.tagPrefix("code:"))
        .run(context -> assertThat(context.getBean(TagStateMachine.class).tagPrefix()).isEqualTo("code:"));
  }

  @Test
  void withoutAnRdsClientTheApplicationFailsToStartSayingWhatToDefine() {
    runner.withBean("restore", Flow.class, () -> ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS)
            .build())
        .run(context -> {
          assertThat(context).hasFailed();
          RdsTagflowConfigurationException e = rootCause(context.getStartupFailure());
          assertThat(e.getMessage()).contains("no RdsClient bean");
          assertThat(e.action()).contains("software.amazon.awssdk.services.rds.RdsClient")
              .contains("rdstagflow.enabled=false");
          FailureAnalysis analysis = new RdsTagflowFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).startsWith("rds-tagflow: no RdsClient bean");
          assertThat(analysis.getAction()).isEqualTo(e.action());
        });
  }

  @Test
  void withoutAFlowTheApplicationFailsToStartSayingWhatToDefine() {
    runner.withBean(RdsClient.class, () -> fake).run(context -> {
      assertThat(context).hasFailed();
      RdsTagflowConfigurationException e = rootCause(context.getStartupFailure());
      assertThat(e.getMessage()).contains("no Flow bean");
      assertThat(e.action()).contains("io.rdstagflow.core.Flow");
    });
  }

  @Test
  void twoRdsClientsWithoutAPrimaryFailClearly() {
    withRdsAndFlows().withBean("other", RdsClient.class, () -> FakeRds.create()).run(context -> {
      assertThat(context).hasFailed();
      assertThat(rootCause(context.getStartupFailure()).getMessage()).contains("2 RdsClient beans");
    });
  }

  @Test
  void aPropertyTheEngineRefusesFailsNamingTheProperty() {
    withRdsAndFlows().withPropertyValues("rdstagflow.owner-id=not an id!").run(context -> {
      assertThat(context).hasFailed();
      RdsTagflowConfigurationException e = rootCause(context.getStartupFailure());
      assertThat(e.getMessage()).startsWith("rdstagflow.owner-id is not usable:").contains("[A-Za-z0-9-]");
    });
  }

  @Test
  void everyFlowListenerBeanHearsTheEngineBesideTheMetrics() {
    List<String> heard = new ArrayList<>();
    withRdsAndFlows()
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean("audit", FlowListener.class, () -> new FlowListener() {
          @Override
          public void flowStarted(String instanceId, String flowName) {
            heard.add(flowName + " on " + instanceId);
          }
        })
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(RdsTagflowMetrics.class);
          fake.givenInstance(r -> r.dbInstanceIdentifier("svc-1").engine("postgres").dbInstanceClass("db.t3.micro")
              .allocatedStorage(20).masterUsername("postgres").masterUserPassword("not-used-by-the-test-1"));
          context.getBean(TagStateMachine.class).begin("svc-1", ReadyFlows.UPDATE_PLAN);
          assertThat(heard).containsExactly("update-plan on svc-1");
          assertThat(context.getBean(MeterRegistry.class).get(RdsTagflowMetrics.FLOWS)
              .tags("flow", "update-plan", "outcome", "started").counter().count()).isEqualTo(1.0);
        });
  }

  @Test
  void withAMeterRegistryTheRdsClientBeanIsMeteredUnlessSwitchedOff() {
    withRdsAndFlows().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(MeteredRdsClient.isMetered(context.getBean(RdsClient.class))).isTrue();
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      assertThat(meters.get("rdstagflow.api.budget.rate").gauge().value())
          .isEqualTo(TagStateMachine.DEFAULT_API_RATE);
      context.getBean(TagStateMachine.class).apiBudget().throttled();
      assertThat(meters.get("rdstagflow.api.budget.rate").gauge().value())
          .isEqualTo(TagStateMachine.DEFAULT_API_RATE / 2);
      assertThat(meters.get("rdstagflow.api.throttles").functionCounter().count()).isEqualTo(1.0);
    });
    withRdsAndFlows().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("rdstagflow.metrics.rds-calls=false").run(context ->
            assertThat(MeteredRdsClient.isMetered(context.getBean(RdsClient.class))).isFalse());
  }

  @Test
  void theMetadataListsThePropertiesForIdes() throws Exception {
    // Every jar on the class path may carry one (Spring Boot's own do); their order is the JDK's.
    StringBuilder all = new StringBuilder();
    java.util.Enumeration<java.net.URL> files = getClass().getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json");
    while (files.hasMoreElements()) {
      try (java.io.InputStream in = files.nextElement().openStream()) {
        all.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    String metadata = all.toString();
    assertThat(metadata).contains("\"rdstagflow.settle-time\"", "\"rdstagflow.poll-budget\"",
        "\"rdstagflow.clock-skew\"", "\"rdstagflow.owner-id\"", "\"rdstagflow.claim-lease\"",
        "\"rdstagflow.tag-prefix\"", "\"rdstagflow.status-policy.broken\"", "\"rdstagflow.osb.update-flows\"",
        "\"rdstagflow.api-budget.rate\"", "\"rdstagflow.api-budget.burst\"", "\"rdstagflow.coalescing-window\"");
  }

  @Test
  void thePropertiesDefaultsAreTheEnginesOwn() {
    RdsTagflowProperties p = new RdsTagflowProperties();
    TagStateMachine.Builder defaults = TagStateMachine.builder(new SdkRdsGateway(fake))
        .flow(ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS).build());
    TagStateMachine.Builder fromProperties = TagStateMachine.builder(new SdkRdsGateway(fake))
        .flow(ReadyFlows.using(fake).restoreFromSnapshot().masterPassword(PASSWORDS).build());
    RdsTagflowAutoConfiguration.applyProperties(p, fromProperties);
    assertThat(fromProperties.build().tagPrefix()).isEqualTo(defaults.build().tagPrefix());
    assertThat(p.getSettleTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.getPollBudget()).isEqualTo(Duration.ofSeconds(20));
    assertThat(p.getClockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.getTransientRetryAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.getApiBudget().getRate()).isEqualTo(fromProperties.build().apiBudget().maxRate())
        .isEqualTo(defaults.build().apiBudget().maxRate());
    assertThat((double) p.getApiBudget().getBurst()).isEqualTo(defaults.build().apiBudget().burst());
    assertThat(p.getCoalescingWindow()).isZero();
  }

  private static RdsTagflowConfigurationException rootCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof RdsTagflowConfigurationException e) {
        return e;
      }
    }
    throw new AssertionError("no RdsTagflowConfigurationException in " + t, t);
  }
}
