package io.rdstagflow.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreDemoTest {

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private List<String> lines() {
    return output().lines().toList();
  }

  @Test
  void restoreSucceedsWithTheReferenceFigures() {
    RestoreDemo.Outcome outcome = new RestoreDemo(false, out).run();

    assertThat(outcome.succeeded()).isTrue();
    // design.md's reference: 1 restore + 3 (settings) + 3 (reboot) + 2 (users, tag removal).
    assertThat(outcome.flowCalls()).isEqualTo(9);
    assertThat(outcome.polls()).isEqualTo(17);
    assertThat(outcome.elapsed()).isEqualTo(Duration.ofMinutes(17));
    assertThat(outcome.restarts()).isZero();
    assertThat(lines().get(lines().size() - 1))
        .isEqualTo("succeeded: 17 polls, 23 AWS calls (9 besides the describes of waiting polls), 17 min of virtual time");
  }

  @Test
  void eachPollLineShowsTheCallsTheStepsAndTheOsbAnswer() {
    new RestoreDemo(false, out).run();

    assertThat(output())
        .contains("RestoreFromSnapshot")
        .containsPattern("#10 +09:10:00 +Describe, Modify, AddTags +modifying +settings:started reboot:- users:- +"
            + "in progress: step settings started")
        .containsPattern("#17 +09:17:00 +Describe, AddTags +available +settings:done reboot:done users:done +succeeded");
  }

  @Test
  void restoreRidesOutScriptedFaultsAndABrokerRestart() {
    RestoreDemo.Outcome outcome = new RestoreDemo(true, out).run();

    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.restarts()).isEqualTo(1);
    assertThat(output())
        .contains("Describe(Throttling)", "Describe(InternalFailure)", "Modify(ServiceUnavailable)",
            "AddTags(Throttling)", "broker restarted")
        .endsWith(System.lineSeparator());
    assertThat(lines().get(lines().size() - 1)).startsWith("succeeded: ").endsWith("1 broker restart");
    assertThat(output()).as("the throttled record of the accepted modify is retried in the same poll")
        .contains("Describe, Modify, AddTags(Throttling), AddTags ");
    assertThat(lines()).filteredOn(l -> l.matches("#\\d+ .*")).filteredOn(l -> l.contains("Modify,")
        || l.contains("Modify ")).hasSize(1);
  }

  @Test
  void noPasswordIsPrinted() {
    new RestoreDemo(true, out).run();

    String masterPassword = RestoreDemo.demoPasswords().password(RestoreDemo.INSTANCE_ID, "postgres");
    assertThat(output()).doesNotContain(masterPassword);
  }

  @Test
  void transientErrorsNeverAnswerFailed() {
    RestoreDemo.Outcome outcome = new RestoreDemo(true, out).run();

    assertThat(output()).doesNotContain(": failed");
    assertThat(outcome.finalStatus().state()).isEqualTo(OperationStatus.State.SUCCEEDED);
  }
}
