package io.rdstagflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builders and values refuse bad configuration at once, naming what is wrong. */
class ConfigurationTest {

  @Test
  void flowAndStepNamesMustBeUsableInTagKeys() {
    assertThatThrownBy(() -> Flow.builder("Restore")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flow name 'Restore'");
    assertThatThrownBy(() -> Flow.builder("ok").step(ScriptedStep.done("a,b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step name 'a,b'");
    assertThatThrownBy(() -> Flow.builder("ok").step(ScriptedStep.done("a")).step(ScriptedStep.done("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a step named a");
    assertThatThrownBy(() -> Flow.builder("empty").build()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void engineRefusesDuplicateFlowsBadPrefixesAndBadOwners() {
    Flow flow = Flow.builder("f").step(ScriptedStep.done("a")).build();
    InMemoryRdsGateway rds = new InMemoryRdsGateway();
    assertThatThrownBy(() -> TagStateMachine.builder(rds).flow(flow).flow(flow))
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> TagStateMachine.builder(rds).tagPrefix("aws:flow:")).hasMessageContaining("aws:");
    assertThatThrownBy(() -> TagStateMachine.builder(rds).tagPrefix("flow;")).hasMessageContaining("position 4");
    assertThatThrownBy(() -> TagStateMachine.builder(rds).ownerId("a b")).hasMessageContaining("owner id");
    assertThatThrownBy(() -> TagStateMachine.builder(rds).settleTime(Duration.ofSeconds(-1)))
        .hasMessageContaining("settleTime");
    assertThatThrownBy(() -> TagStateMachine.builder(rds).build()).hasMessageContaining("at least one flow");
  }

  @Test
  void customPrefixIsUsedForEveryKey() {
    InMemoryRdsGateway rds = new InMemoryRdsGateway();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(Flow.builder("f").step(ScriptedStep.started("a")).build())
        .tagPrefix("broker/ops:").build();
    rds.putAvailable("db", Map.of());

    engine.begin("db", "f", Map.of("p", "v"));

    assertThat(rds.tags("db")).containsOnlyKeys("broker/ops:flow", "broker/ops:step:a", "broker/ops:param:p");
  }

  @Test
  void retryPolicyBacksOffExponentiallyUpToItsCap() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.backoffAfter(6)).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> RetryPolicy.maxAttempts(0)).hasMessageContaining("maxAttempts");
  }

  @Test
  void stepPolicyOverridesTheFlowDefaults() {
    ScriptedStep flaky = new ScriptedStep("flaky", StepResult.retry("nope"));
    Flow flow = Flow.builder("f")
        .step(flaky, new StepPolicy(RetryPolicy.maxAttempts(2), Deadline.of(Duration.ofMinutes(5)))).build();
    InMemoryRdsGateway rds = new InMemoryRdsGateway();
    io.rdstagflow.core.testing.MutableClock clock = new io.rdstagflow.core.testing.MutableClock();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(flow).clock(clock).build();
    rds.putAvailable("db", Map.of());
    engine.begin("db", "f");

    engine.poll("db");
    clock.advance(Duration.ofMinutes(1));
    OperationStatus status = engine.poll("db");

    assertThat(status.description()).isEqualTo("step flaky failed after 2 tries: nope");
  }

  @Test
  void operationTokensRoundTripAndBadOnesAreRefusedClearly() {
    OperationToken flow = OperationToken.forFlow("restore-from-snapshot", 3, Instant.parse("2026-11-24T10:15:00.123Z"),
        "shq4k2w7c");
    OperationToken deletion = OperationToken.forDeletion(Instant.parse("2026-11-24T10:15:00Z"));

    assertThat(OperationToken.parse(flow.encode())).isEqualTo(flow);
    assertThat(OperationToken.parse(deletion.encode())).isEqualTo(deletion);
    assertThat(flow.encode()).isEqualTo("tagflow/2/flow/restore-from-snapshot/3/2026-11-24T10:15:00Z/shq4k2w7c");
    assertThat(OperationToken.parse("tagflow/3/anything/a/newer/library/writes").kind())
        .isEqualTo(OperationToken.Kind.NEWER_FORMAT);
    assertThatThrownBy(() -> OperationToken.parse("provision")).isInstanceOf(InvalidOperationTokenException.class)
        .hasMessageContaining("'provision'");
    assertThatThrownBy(() -> OperationToken.parse("tagflow/2/flow/x/1/yesterday/shq4k2w7c"))
        .isInstanceOf(InvalidOperationTokenException.class).hasMessageContaining("ISO-8601");
  }

  @Test
  void flowStartMergesWithTheBrokersTagsWithinTheLimit() {
    InMemoryRdsGateway rds = new InMemoryRdsGateway();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(Flow.builder("f").step(ScriptedStep.done("a")).build())
        .build();
    FlowStart start = engine.startTags("db", "f");
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i < 49; i++) {
      many.put("k" + i, "v");
    }

    assertThat(start.mergedWith(Map.of("team", "x"))).containsEntry("team", "x").containsKey("tagflow:flow");
    assertThatThrownBy(() -> start.mergedWith(many)).isInstanceOf(TagLimitException.class);
    assertThatThrownBy(() -> start.mergedWith(Map.of("tagflow:flow", "mine")))
        .isInstanceOf(InvalidFlowParameterException.class);
  }
}
