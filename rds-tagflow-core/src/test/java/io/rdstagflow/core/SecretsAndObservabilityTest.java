package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static io.rdstagflow.core.EngineFixture.SETTLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rdstagflow.core.OperationStatus.State;
import io.rdstagflow.core.testing.InMemoryRdsGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** No secret in a tag, a log line, a message or a toString; events and MDC as documented. */
class SecretsAndObservabilityTest {

  private static final String SECRET = "Pa55w0rd-do-not-leak";

  private final EngineFixture f = new EngineFixture();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.rdstagflow");

  /** What a JDBC driver does: echo the statement, password and all, in its message. */
  static final class LeakyDriverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeakyDriverException() {
      super("ERROR at ALTER ROLE app PASSWORD '" + SECRET + "'");
    }
  }

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  @Test
  void stepFailureWhoseExceptionEchoesAPasswordLeaksItNowhere() {
    OperationToken token = f.restore();
    f.status("available");
    TagStateMachine engine = f.engine();
    engine.poll(ID, token);
    f.advance(SETTLE.plusSeconds(1));
    f.users.thenThrow(new LeakyDriverException());
    List<String> seen = new ArrayList<>();

    OperationStatus status = engine.poll(ID, token);
    seen.add(status.toString());
    seen.add(engine.poll(ID, token).toString());
    Inspection inspection = engine.inspect(ID);
    seen.add(inspection.toString());
    seen.add(inspection.operation().orElseThrow().toString());
    seen.add(f.rds.tags(ID).toString());
    logs.list.forEach(e -> seen.add(e.getFormattedMessage()));

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).isEqualTo("step users failed: LeakyDriverException");
    assertThat(logs.list).isNotEmpty();
    assertThat(seen).noneMatch(s -> s.contains(SECRET));
  }

  @Test
  void permanentGatewayFailureMessageHoldsTheCodeAndNotTheOriginalMessage() {
    f.restore();
    f.rds.failNext(InMemoryRdsGateway.Call.DESCRIBE, new LeakyDriverException());

    Throwable thrown = catchThrowable(() -> f.engine().poll(ID));

    assertThat(thrown).isInstanceOf(RdsCallException.class).hasMessageNotContaining(SECRET);
    assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(SECRET));
  }

  @Test
  void logLinesOfAFlowCarryTheInstanceAndFlowInTheMdc() {
    OperationToken token = f.restore();
    f.status("available");

    f.engine().poll(ID, token);

    ILoggingEvent started = logs.list.stream().filter(e -> e.getFormattedMessage().contains("step settings started"))
        .findFirst().orElseThrow();
    assertThat(started.getMDCPropertyMap())
        .containsEntry("rdstagflow.instance", ID)
        .containsEntry("rdstagflow.flow", "restore-from-snapshot");
    assertThat(org.slf4j.MDC.get("rdstagflow.instance")).isNull();
  }

  @Test
  void listenerHearsEveryEventOfAFlowInOrder() {
    TagStateMachine engine = f.engine();
    OperationToken token = f.upToRebootStarted(engine); // settings done, reboot started
    f.inSync();
    f.advance(SETTLE.plusSeconds(1));
    engine.poll(ID, token);

    assertThat(f.events.events).containsExactly(
        "flowStarted restore-from-snapshot",
        "stepStarted settings",
        "stepDone settings", "stepStarted reboot",
        "stepDone reboot", "stepDone users", "flowSucceeded restore-from-snapshot");
  }

  @Test
  void aListenerThatThrowsDoesNotBreakThePoll() {
    TagStateMachine engine = TagStateMachine.builder(f.rds).flow(f.flow).clock(f.clock)
        .listener(new FlowListener() {
          @Override
          public void stepStarted(String instanceId, String flowName, String stepName, int attempt) {
            throw new IllegalStateException("listener bug");
          }
        }).build();
    OperationToken token = f.restore();
    f.status("available");

    assertThat(engine.poll(ID, token).description()).isEqualTo("step settings started");
    assertThat(f.tag("step:settings")).contains("state=started");
  }
}
