package io.rdstagflow.aws.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeded soak of issue 5: many random restore-from-snapshot flows through the engine, the SDK
 * gateway and the test kit's fake RDS, on the virtual clock, with throttling bursts, 5xx errors,
 * InvalidDBInstanceState, describe lag, broker crashes between any two AWS calls of a poll, one to
 * four broker processes (overlapping polls), tags edited by hand and instances failing mid-flow;
 * every invariant checked for every flow (see {@link FlowRun}). One thread, one seed: a run
 * replays exactly.
 *
 * <p>System properties: {@code soak.flows} (default {@value #DEFAULT_FLOWS}), {@code soak.seed}
 * (default {@value #DEFAULT_SEED}; {@code random} for a new one, printed), {@code soak.flowSeed}
 * (replay one flow, printing its polls), {@code soak.listAll} (print every violation of every flow, one a
 * line). A failure prints each failing flow's seed and the command
 * that replays it.
 */
class RestoreSoakTest {

  static final int DEFAULT_FLOWS = 1_000;
  static final long DEFAULT_SEED = 20_261_124L;
  private static final int REPORTED_FAILURES = 10;

  @BeforeAll
  static void captureLogs() {
    SoakLogs.start();
  }

  @AfterAll
  static void releaseLogs() {
    SoakLogs.stop();
  }

  @Test
  void everyRestoreFlowEndsAnsweredInOrderWithoutSecretsUnderFaultsCrashesAndConcurrentPollers() {
    String single = System.getProperty("soak.flowSeed");
    if (single != null && !single.isBlank()) {
      replayOne(Long.parseLong(single.trim()));
      return;
    }
    long seed = masterSeed();
    int flows = Integer.getInteger("soak.flows", DEFAULT_FLOWS);
    SoakFigures figures = new SoakFigures();
    List<FlowResult> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < flows; i++) {
      FlowResult result = new FlowRun(FlowScenario.from(flowSeed(seed, i))).run();
      figures.add(result);
      if (!result.ok() && failures.size() < REPORTED_FAILURES) {
        failures.add(result);
      }
      if (!result.ok() && Boolean.getBoolean("soak.listAll")) {
        for (String v : result.violations()) {
          System.out.println("violation seed " + result.seed() + " " + v);
        }
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    System.out.println(figures.render(seed, wall));

    StringBuilder report = new StringBuilder();
    for (int k = 0; k < failures.size(); k++) {
      report.append(describeFailure(failures.get(k), true));
    }
    if (!failures.isEmpty()) {
      System.out.println(report);
    }
    assertThat(figures.violatingFlows())
        .as("%d of %d soak flows (master seed %d) broke an invariant; the first:%n%s", figures.violatingFlows(),
            flows, seed, failures.isEmpty() ? "" : describeFailure(failures.get(0), true))
        .isZero();
    assertThat(figures.flows()).isEqualTo(flows);
  }

  @Test
  void aFlowReplaysExactlyFromItsSeed() {
    for (long i = 0; i < 20; i++) {
      long seed = flowSeed(DEFAULT_SEED ^ 0xC0FFEE, i);
      FlowResult first = new FlowRun(FlowScenario.from(seed)).run();
      FlowResult again = new FlowRun(FlowScenario.from(seed)).run();
      assertThat(again.trace()).isEqualTo(first.trace());
      assertThat(again).isEqualTo(first);
    }
  }

  private static void replayOne(long flowSeed) {
    FlowResult result = new FlowRun(FlowScenario.from(flowSeed)).run();
    System.out.println(describeFailure(result, true));
    assertThat(result.violations()).as("flow seed %d broke an invariant; its report is printed above", flowSeed)
        .isEmpty();
  }

  private static long masterSeed() {
    String s = System.getProperty("soak.seed");
    if (s == null || s.isBlank()) {
      return DEFAULT_SEED;
    }
    if (s.trim().equals("random")) {
      long seed = System.nanoTime() & 0x7fff_ffff_ffffL;
      System.out.println("soak.seed=random chose " + seed);
      return seed;
    }
    return Long.parseLong(s.trim());
  }

  /** The i-th flow's seed: SplitMix64 of the master seed's i-th step, so flows do not share streams. */
  static long flowSeed(long master, long i) {
    long z = master + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) & Long.MAX_VALUE;
  }

  private static String describeFailure(FlowResult f, boolean withTrace) {
    StringBuilder b = new StringBuilder();
    b.append("\n== soak flow seed ").append(f.seed()).append(": ").append(f.outcome()).append(", ")
        .append(f.violations().size()).append(" violation(s)\n");
    for (String v : f.violations()) {
      b.append("  - ").append(v).append('\n');
    }
    b.append("  replay: mvn -B -pl rds-tagflow-aws -am verify -Dtest=RestoreSoakTest -Dsoak.flowSeed=")
        .append(f.seed()).append(" -Dsurefire.failIfNoSpecifiedTests=false\n");
    b.append("  ").append(f.scenario().replace("\n", "\n  ")).append('\n');
    if (withTrace) {
      b.append("  polls:\n").append(f.trace());
    }
    return b.toString();
  }
}
