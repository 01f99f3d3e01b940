package io.rdstagflow.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A flow built with {@code deletion()} runs its steps while the resource exists and answers
 * {@code succeeded} once it is gone, however long that took; any other flow's resource that
 * vanishes is not found.
 */
class DeletionFlowTest {

  private static final String ID = "cluster-1";

  private final MutableClock clock = new MutableClock();
  private final InMemoryRdsGateway rds = new InMemoryRdsGateway();

  /** Starts the deletion on its first run and waits for the resource to go. */
  private static final Step DELETE = new Step() {
    @Override
    public String name() {
      return "delete";
    }

    @Override
    public StepResult run(StepContext context) {
      return StepResult.started();
    }

    @Override
    public Completion completion(StepContext context) {
      return Completion.notYet("still there");
    }

    @Override
    public Set<String> repairs() {
      return Set.of("deleting");
    }
  };

  private TagStateMachine engine(Flow flow) {
    return TagStateMachine.builder(rds).flow(flow).clock(clock).settleTime(Duration.ofSeconds(30))
        .clockSkew(Duration.ZERO).build();
  }

  @Test
  void aDeletionFlowAnswersSucceededOnceItsResourceIsGone() {
    Flow flow = Flow.builder("delete-cluster").step(DELETE).deletion().build();
    TagStateMachine engine = engine(flow);
    rds.putAvailable(ID, Map.of());
    OperationToken token = engine.begin(ID, flow, Map.of());

    assertThat(engine.poll(ID, token).description()).isEqualTo("step delete started");
    rds.setStatus(ID, "deleting");
    clock.advance(Duration.ofMinutes(20));
    assertThat(engine.poll(ID, token).description()).isEqualTo("step delete started; waiting for: still there");
    rds.remove(ID);

    PollResult gone = engine.pollResult(ID, token);
    assertThat(gone.status()).isEqualTo(OperationStatus.succeeded("instance " + ID + " is gone"));
    assertThat(gone.failure()).isEmpty();
    assertThat(flow.isDeletion()).isTrue();
  }

  @Test
  void anyOtherFlowsResourceThatVanishesIsNotFound() {
    Flow flow = Flow.builder("other").step(DELETE).build();
    TagStateMachine engine = engine(flow);
    rds.putAvailable(ID, Map.of());
    OperationToken token = engine.begin(ID, flow, Map.of());
    rds.remove(ID);
    clock.advance(Duration.ofMinutes(20));

    assertThat(engine.pollResult(ID, token).failure()).contains(FailureKind.INSTANCE_NOT_FOUND);
    assertThat(flow.isDeletion()).isFalse();
  }
}
