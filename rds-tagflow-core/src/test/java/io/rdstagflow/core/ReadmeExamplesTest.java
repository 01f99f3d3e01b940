package io.rdstagflow.core;

import io.rdstagflow.core.spi.RdsGateway;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.testing.InMemoryRdsGateway;
import io.rdstagflow.core.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's code samples, compiled and run here so they cannot rot. Keep the two in step. */
class ReadmeExamplesTest {

  // README: "Your own steps and flows"
  /** Turns on deletion protection once the instance is available; idempotent: it checks first. */
  static final class ProtectFromDeletion implements Step {
    private final RdsGateway rds; // in a real broker: your RdsClient

    ProtectFromDeletion(RdsGateway rds) {
      this.rds = rds;
    }

    @Override
    public String name() {
      return "protect";
    }

    @Override
    public StepResult run(StepContext context) {
      if ("true".equals(context.instance().tags().get("protected"))) {
        return StepResult.done(); // already done by an earlier attempt
      }
      rds.addTags(context.instance(), Map.of("protected", "true"));
      return StepResult.done();
    }
  }
  // end of sample

  @Test
  void writingAStepAndAFlowAndPollingIt() {
    InMemoryRdsGateway gateway = new InMemoryRdsGateway();
    MutableClock clock = new MutableClock();
    gateway.putAvailable("db-1", Map.of());

    // README: "Your own steps and flows"
    Flow protect = Flow.builder("protect")
        .step(new ProtectFromDeletion(gateway))
        .retryPolicy(RetryPolicy.maxAttempts(3))
        .stepDeadline(Deadline.of(Duration.ofMinutes(30)))
        .flowDeadline(Deadline.of(Duration.ofHours(2)))
        .build();

    TagStateMachine engine = TagStateMachine.builder(gateway) // the aws module gives you an RdsGateway
        .flow(protect)
        .clock(clock)
        .build();

    OperationToken token = engine.begin("db-1", "protect"); // OSB: return token.encode() as "operation"
    // end of sample

    // The LastOperation handler, reduced to its core (the README shows the example broker's)
    String operation = token.encode(); // what the platform sends back
    OperationStatus status = engine.poll("db-1", operation);
    String state = status.state().osbValue(); // "in progress", "succeeded", "failed"
    String description = status.description();
    status.retryAfter().ifPresent(after -> { /* set the Retry-After header: after.toSeconds() */ });

    assertThat(state).isEqualTo("succeeded");
    assertThat(description).isEqualTo("flow protect succeeded");
    assertThat(gateway.tags("db-1")).containsEntry("protected", "true");
    assertThat(gateway.tags("db-1").get("tagflow:flow")).contains("state=succeeded");
  }
}
