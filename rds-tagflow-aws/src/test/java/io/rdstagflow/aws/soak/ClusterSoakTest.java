package io.rdstagflow.aws.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeded soak of Aurora clusters (issue 13): many random cluster flows ({@link ClusterFlowRun}:
 * a restore from a cluster snapshot, sometimes a plan update, then the deletion) through the cluster
 * engine, the cluster gateway and the fake RDS, under throttling, 5xx and state faults, describe lag,
 * broker crashes after any call, one to three processes and failing clusters and members, every
 * invariant checked for every flow. One thread, one seed: a run replays exactly.
 *
 * <p>System properties: {@code soak.clusterFlows} (default {@value #DEFAULT_FLOWS}),
 * {@code soak.seed} (as {@link RestoreSoakTest}'s), {@code soak.clusterFlowSeed} (replay one flow,
 * printing its polls).
 */
class ClusterSoakTest {

  static final int DEFAULT_FLOWS = 1_000;
  private static final int REPORTED_FAILURES = 5;

  @BeforeAll
  static void captureLogs() {
    SoakLogs.start();
  }

  @AfterAll
  static void releaseLogs() {
    SoakLogs.stop();
  }

  @Test
  void everyClusterFlowEndsAnsweredAsTheTruthShowsUnderFaultsCrashesAndConcurrentPollers() {
    String single = System.getProperty("soak.clusterFlowSeed");
    if (single != null && !single.isBlank()) {
      ClusterFlowRun.Result one = new ClusterFlowRun(Long.parseLong(single.trim())).run();
      System.out.println(describe(one));
      assertThat(one.violations()).as("cluster flow seed %s broke an invariant; its report is printed above", single)
          .isEmpty();
      return;
    }
    String given = System.getProperty("soak.seed");
    long seed = given == null || given.isBlank() ? RestoreSoakTest.DEFAULT_SEED : Long.parseLong(given.trim());
    int flows = Integer.getInteger("soak.clusterFlows", DEFAULT_FLOWS);
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, Integer> faults = new TreeMap<>();
    List<ClusterFlowRun.Result> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < flows; i++) {
      ClusterFlowRun.Result result = new ClusterFlowRun(RestoreSoakTest.flowSeed(seed ^ 0xA0A0A0L, i)).run();
      outcomes.merge(result.outcome(), 1, Integer::sum);
      result.faults().forEach((k, v) -> faults.merge(k, v, Integer::sum));
      if (!result.ok() && failures.size() < REPORTED_FAILURES) {
        failures.add(result);
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("cluster soak: " + flows + " flows (master seed " + seed + ") in " + wall.toMillis() + " ms; "
        + "outcomes " + outcomes + "; faults " + faults);
    failures.forEach(f -> System.out.println(describe(f)));

    assertThat(failures).as("cluster soak flows broke an invariant; the first:%n%s",
        failures.isEmpty() ? "" : describe(failures.get(0))).isEmpty();
  }

  @Test
  void aClusterFlowReplaysExactlyFromItsSeed() {
    for (long i = 0; i < 10; i++) {
      long seed = RestoreSoakTest.flowSeed(0xC1C1C1L, i);
      ClusterFlowRun.Result first = new ClusterFlowRun(seed).run();
      ClusterFlowRun.Result again = new ClusterFlowRun(seed).run();
      assertThat(again.trace()).isEqualTo(first.trace());
      assertThat(again.violations()).isEqualTo(first.violations());
    }
  }

  private static String describe(ClusterFlowRun.Result f) {
    return "\n== cluster soak flow seed " + f.seed() + ": " + f.outcome() + ", " + f.violations().size()
        + " violation(s)\n  " + String.join("\n  ", f.violations()) + "\n  replay: mvn -B -pl rds-tagflow-aws -am"
        + " verify -Dtest=ClusterSoakTest -Dsoak.clusterFlowSeed=" + f.seed() + " -Dsurefire.failIfNoSpecifiedTests=false"
        + "\n  " + f.scenario() + "\n  polls:\n" + f.trace();
  }
}
