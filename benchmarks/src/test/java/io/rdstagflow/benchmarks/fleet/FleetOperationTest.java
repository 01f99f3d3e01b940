package io.rdstagflow.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failed operation's trace: events in order, budget waits folded into one line. */
class FleetOperationTest {

  @Test
  void consecutiveBudgetWaitsAreOneLine() {
    FleetOperation op = new FleetOperation(0, "fleet-0");
    op.trace(60_000, "poll 1 (replica 0, 1 describe) in progress: instance is creating", false);
    op.trace(121_000, null, true);
    op.trace(182_000, null, true);
    op.trace(243_000, "poll 4 (replica 0, 1 describe) in progress: step settings started", false);
    op.trace(304_000, null, true);

    assertThat(op.renderTrace().lines().map(String::strip)).containsExactly(
        "0:01:00 poll 1 (replica 0, 1 describe) in progress: instance is creating",
        "0:02:01 2 polls waited for the budget (until 0:04:03)",
        "0:04:03 poll 4 (replica 0, 1 describe) in progress: step settings started",
        "0:05:04 1 polls waited for the budget");
  }
}
