package io.rdstagflow.examples.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.testkit.FakeRds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;

class OperatorToolTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private OperatorTool toolOn(RdsClient realRds) {
    return new OperatorTool(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), () -> realRds);
  }

  /** A tool whose "real" RDS must never be reached. */
  private OperatorTool tool() {
    return new OperatorTool(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
          throw new AssertionError("real RDS used");
        });
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsUsageAndExitCodes() {
    assertThat(tool().run("--help")).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("usage: operator", "inspect", "retry", "abort", "exit codes");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(tool().run()).isEqualTo(OperatorTool.USAGE);
    assertThat(tool().run("inspect")).isEqualTo(OperatorTool.USAGE);
    assertThat(tool().run("inspect", "a", "b")).isEqualTo(OperatorTool.USAGE);
    assertThat(tool().run("restart", "a")).isEqualTo(OperatorTool.USAGE);
    assertThat(tool().run("--verbose", "inspect", "a")).isEqualTo(OperatorTool.USAGE);
    assertThat(err()).contains("unknown command restart", "unknown option --verbose", "usage: operator");
  }

  @Test
  void inspectOfAFailedOperationShowsTheReasonAndExitsWithOne() {
    int code = tool().run("--fake", "inspect", OperatorTool.FAKE_FAILED);

    assertThat(code).isEqualTo(OperatorTool.NOT_APPLICABLE);
    assertThat(out())
        .contains("of flow restore-from-snapshot", "FAILED: step settings failed: InvalidParameterCombination")
        .containsPattern("1 settings +failed +tries 1, first attempt 2026-01-05T09:11:00Z")
        .containsPattern("tagflow:step:settings = op=\\w+ seq=1 state=failed")
        .contains("next: 'retry " + OperatorTool.FAKE_FAILED + "'");
  }

  @Test
  void inspectOfARunningOperationExitsWithZero() {
    assertThat(tool().run("inspect", OperatorTool.FAKE_RUNNING, "--fake")).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("instance demo-running: creating", "in progress");
  }

  @Test
  void inspectOfAnUpgradeInFlightShowsItsHops() {
    assertThat(tool().run("--fake", "inspect", OperatorTool.FAKE_UPGRADING)).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("of flow engine-upgrade", "in progress",
            "upgrade 13.15 -> 14.12 -> 15.7 -> 16.3, the instance runs 14.12:")
        .contains("hop 1 of 3  13.15 -> 14.12  done")
        .containsPattern("hop 2 of 3  14.12 -> 15.7  sent 2026-[0-9T:-]+Z, RDS is upgrading, parameter group"
            + " broker-postgres15")
        .contains("hop 3 of 3  15.7 -> 16.3  to come")
        .contains("tagflow:upgrade = hop=2/3 from=14.12 to=15.7 group=broker-postgres15 sent=");
  }

  @Test
  void inspectOfAnInstanceWithoutFlowSaysSo() {
    assertThat(tool().run("--fake", "inspect", OperatorTool.FAKE_IDLE)).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("no operation: polls answer from the instance status alone");
  }

  @Test
  void retryMakesTheFailedStepPendingAgain() {
    assertThat(tool().run("--fake", "retry", OperatorTool.FAKE_FAILED)).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("retried", "in progress").containsPattern("1 settings +pending +tries 0");
  }

  @Test
  void retryWithoutAFailedFlowExitsWithOne() {
    assertThat(tool().run("--fake", "retry", OperatorTool.FAKE_RUNNING)).isEqualTo(OperatorTool.NOT_APPLICABLE);
    assertThat(err()).startsWith("retry does not apply: ");
  }

  @Test
  void abortEndsTheRunningOperationAsFailed() {
    assertThat(tool().run("--fake", "abort", OperatorTool.FAKE_RUNNING)).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("aborted", "FAILED: flow restore-from-snapshot aborted by an operator");
  }

  @Test
  void abortWithoutARunningOperationExitsWithOne() {
    assertThat(tool().run("--fake", "abort", OperatorTool.FAKE_IDLE)).isEqualTo(OperatorTool.NOT_APPLICABLE);
    assertThat(err()).contains("has no running operation");
  }

  @Test
  void moveRestartsAFailedOperationOnTheGivenDefinitionFromItsFirstStepNotDone() {
    assertThat(tool().run("--fake", "move", OperatorTool.FAKE_FAILED, "1")).isEqualTo(OperatorTool.OK);
    assertThat(out()).contains("moved to definition 1", "in progress").containsPattern("1 settings +pending");
  }

  @Test
  void moveToADefinitionNobodyRegisteredExitsWithOne() {
    assertThat(tool().run("--fake", "move", OperatorTool.FAKE_FAILED, "7")).isEqualTo(OperatorTool.NOT_APPLICABLE);
    assertThat(err()).contains("has no registered version 7");
    assertThat(tool().run("--fake", "move", OperatorTool.FAKE_FAILED)).isEqualTo(OperatorTool.USAGE);
  }

  @Test
  void anUnknownInstanceExitsWithFour() {
    assertThat(tool().run("--fake", "inspect", "no-such-db")).isEqualTo(OperatorTool.NOT_FOUND);
    assertThat(err()).contains("no DB instance no-such-db");
  }

  @Test
  void withoutFakeTheToolUsesTheRealClient() {
    FakeRds standIn = OperatorTool.fakeWithDemoInstances(); // stands in for RdsClient.create()

    assertThat(toolOn(standIn).run("abort", OperatorTool.FAKE_RUNNING)).isEqualTo(OperatorTool.OK);
    assertThat(standIn.calls().all()).anyMatch(c -> c.operation().equals("AddTagsToResource"));
  }

  @Test
  void aRefusedRdsCallExitsWithThree() {
    FakeRds refusing = OperatorTool.fakeWithDemoInstances();
    refusing.faults().failNext("DescribeDBInstances", "AccessDenied", 403);

    assertThat(toolOn(refusing).run("inspect", OperatorTool.FAKE_IDLE)).isEqualTo(OperatorTool.RDS_ERROR);
    assertThat(err()).startsWith("RDS call failed: ").contains("AccessDenied");
  }
}
