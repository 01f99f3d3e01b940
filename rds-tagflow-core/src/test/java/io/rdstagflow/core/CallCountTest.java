package io.rdstagflow.core;

import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.ADD_TAGS;
import static io.rdstagflow.core.testing.InMemoryRdsGateway.Call.DESCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.InMemoryRdsGateway.Call;
import io.rdstagflow.core.testing.InMemoryRdsGateway.TransientFailure;
import io.rdstagflow.core.testing.MutableClock;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counts the engine promises, pinned so they cannot regress. */
class CallCountTest {

  private final MutableClock clock = new MutableClock();
  private final InMemoryRdsGateway rds = new InMemoryRdsGateway();

  @Test
  void waitingPollMakesExactlyOneCallAndNoWrite() {
    EngineFixture f = new EngineFixture();
    OperationToken token = f.restore();
    TagStateMachine engine = f.engine();
    f.rds.resetCounts();

    for (String status : List.of("creating", "modifying", "backing-up")) {
      f.status(status);
      engine.poll(EngineFixture.ID, token);
    }

    assertThat(f.rds.totalCalls()).isEqualTo(3);
    assertThat(f.rds.count(DESCRIBE)).isEqualTo(3);
  }

  @Test
  void fiveSynchronousStepsFinishInOnePollWithOneWrite() {
    List<ScriptedStep> steps = new ArrayList<>();
    Flow.Builder flow = Flow.builder("five");
    for (int i = 1; i <= 5; i++) {
      ScriptedStep step = ScriptedStep.done("step-" + i);
      steps.add(step);
      flow.step(step);
    }
    TagStateMachine engine = TagStateMachine.builder(rds).flow(flow.build()).clock(clock).build();
    rds.putAvailable("db", Map.of());
    OperationToken token = engine.begin("db", "five");
    rds.resetCounts();

    OperationStatus status = engine.poll("db", token);

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(steps).allSatisfy(s -> assertThat(s.runs()).isEqualTo(1));
    assertThat(rds.count(DESCRIBE)).isEqualTo(1);
    assertThat(rds.writes()).isEqualTo(1);
    assertThat(rds.tags("db").get("tagflow:flow")).contains("state=succeeded");
  }

  @Test
  void pollTimeBudgetStopsChainingAndTheNextPollGoesOn() {
    Step slow = new Step() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public StepResult run(StepContext context) {
        clock.advance(Duration.ofSeconds(15));
        return StepResult.done();
      }
    };
    ScriptedStep second = ScriptedStep.done("second");
    ScriptedStep third = ScriptedStep.done("third");
    Flow flow = Flow.builder("budget").step(slow).step(second).step(third).build();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(flow).clock(clock)
        .pollBudget(Duration.ofSeconds(10)).build();
    rds.putAvailable("db", Map.of());
    OperationToken token = engine.begin("db", "budget");

    OperationStatus first = engine.poll("db", token);

    assertThat(first.state()).isEqualTo(State.IN_PROGRESS);
    assertThat(first.description()).isEqualTo("step second is next; it runs on the next poll");
    assertThat(second.runs()).isZero();
    assertThat(engine.poll("db", token).state()).isEqualTo(State.SUCCEEDED);
    assertThat(second.runs()).isEqualTo(1);
    assertThat(third.runs()).isEqualTo(1);
  }

  @Test
  void crashBetweenAStepsActionAndItsTagWriteRepeatsTheActionAndNeverSkipsAStep() {
    List<String> actions = new ArrayList<>();
    Step first = recording("first", actions, StepResult.done());
    Step second = recording("second", actions, StepResult.started());
    Step third = recording("third", actions, StepResult.done());
    Flow flow = Flow.builder("crashy").step(first).step(second).step(third).build();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(flow).clock(clock).clockSkew(Duration.ZERO).build();
    rds.putAvailable("db", Map.of());
    OperationToken token = engine.begin("db", "crashy");
    // The broker dies in the write after the actions of first and second: modelled as the gateway throwing.
    rds.failNext(Call.ADD_TAGS, new IllegalStateException("broker process killed"));

    try {
      engine.poll("db", token);
    } catch (RuntimeException crash) {
      // the broker is gone; a new one takes over
    }
    TagStateMachine restarted = TagStateMachine.builder(rds).flow(flow).clock(clock).clockSkew(Duration.ZERO).build();
    OperationStatus afterRestart = restarted.poll("db", token);
    clock.advance(Duration.ofMinutes(1));
    OperationStatus end = restarted.poll("db", token);

    assertThat(afterRestart.description()).isEqualTo("step second started");
    assertThat(end.state()).isEqualTo(State.SUCCEEDED);
    assertThat(actions).containsExactly("first", "second", "first", "second", "third");
  }

  @Test
  void writeAfterAnActionFailingEveryRetryIsAnsweredInProgressAndTheActionRepeatedLater() {
    List<String> actions = new ArrayList<>();
    Flow flow = Flow.builder("one").step(recording("only", actions, StepResult.started())).build();
    TagStateMachine engine = TagStateMachine.builder(rds).flow(flow).clock(clock).build();
    rds.putAvailable("db", Map.of());
    OperationToken token = engine.begin("db", "one");
    for (int i = 0; i < 5; i++) {
      rds.failNext(ADD_TAGS, new TransientFailure("Throttling"));
    }

    assertThat(engine.poll("db", token).state()).isEqualTo(State.IN_PROGRESS);
    assertThat(engine.poll("db", token).description()).isEqualTo("step only started");
    assertThat(actions).containsExactly("only", "only");
  }

  private static Step recording(String name, List<String> actions, StepResult result) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StepResult run(StepContext context) {
        actions.add(name);
        return result;
      }
    };
  }
}
