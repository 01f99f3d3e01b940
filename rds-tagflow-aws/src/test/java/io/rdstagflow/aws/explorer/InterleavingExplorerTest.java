package io.rdstagflow.aws.explorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The systematic explorer: every schedule of two replicas' RDS calls, stale describes and write
 * fates up to a bound, each run from scratch (see {@link ExplorerRun} for the choice points and
 * {@link Schedule} for the depth-first search), each end state judged by the
 * {@link PromiseChecker}.
 *
 * <p>System properties: {@code explorer.faults} (the most non-zero choices per schedule, default
 * {@value #DEFAULT_FAULTS}), {@code explorer.lag} (how many older distinct views a describe may
 * show, default {@value #DEFAULT_LAG}), {@code explorer.claim} ({@code none}, {@code lease} or
 * {@code both}; default {@code both}, {@code none} for a replay), {@code explorer.updates} (update-plan
 * operations after the restore, default {@value #DEFAULT_UPDATES}), {@code explorer.max} (stop after this many schedules), and
 * {@code explorer.schedule} (replay one schedule, {@code position:choice,...}, printing its trace).
 */
class InterleavingExplorerTest {

  static final int DEFAULT_FAULTS = 2;
  static final int DEFAULT_LAG = 2;
  static final int DEFAULT_UPDATES = 2;
  private static final int EXAMPLES = 3;

  private static ch.qos.logback.classic.Level level;

  @org.junit.jupiter.api.BeforeAll
  static void quiet() {
    ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.rdstagflow");
    level = ours.getLevel();
    ours.setLevel(ch.qos.logback.classic.Level.OFF);
  }

  @org.junit.jupiter.api.AfterAll
  static void loud() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.rdstagflow")).setLevel(level);
  }

  @Test
  void noScheduleOfTwoReplicasStaleDescribesAndLostOrLateWritesBreaksThePromise() {
    String replay = System.getProperty("explorer.schedule");
    int faults = Integer.getInteger("explorer.faults", DEFAULT_FAULTS);
    int lag = Integer.getInteger("explorer.lag", DEFAULT_LAG);
    int updates = Integer.getInteger("explorer.updates", DEFAULT_UPDATES);
    long max = Long.getLong("explorer.max", Long.MAX_VALUE);
    String claimProp = System.getProperty("explorer.claim", replay != null ? "none" : "both");
    List<Boolean> claims = switch (claimProp) {
      case "lease" -> List.of(true);
      case "both" -> List.of(false, true);
      default -> List.of(false);
    };
    if (replay != null) {
      for (boolean claim : claims) {
        ExplorerRun.Result r = ExplorerRun.runOrRefused(Schedule.parse(replay), lag, claim, updates);
        System.out.println(render(r, claim, lag, updates, true));
        assertThat(r.violations()).as("schedule %s broke the promise; its trace is printed above", replay).isEmpty();
      }
      return;
    }
    int violating = 0;
    StringBuilder report = new StringBuilder();
    for (boolean claim : claims) {
      long start = System.nanoTime();
      long schedules = 0;
      long polls = 0;
      int bad = 0;
      int maxPoints = 0;
      Map<String, Integer> kinds = new TreeMap<>();
      Map<String, Integer> byClasses = new TreeMap<>();
      Map<String, List<String>> examples = new TreeMap<>();
      Map<String, ExplorerRun.Result> shortest = new LinkedHashMap<>();
      int[] prefix = new int[0];
      while (prefix != null && schedules < max) {
        Schedule s = new Schedule(prefix);
        ExplorerRun.Result r = ExplorerRun.runOrRefused(s, lag, claim, updates);
        schedules++;
        polls += r.polls();
        maxPoints = Math.max(maxPoints, s.points().size());
        if (!r.violations().isEmpty()) {
          bad++;
          byClasses.merge(s.faultClasses(), 1, Integer::sum);
          for (String kind : r.violations().stream().map(InterleavingExplorerTest::kind).distinct().toList()) {
            kinds.merge(kind, 1, Integer::sum);
            List<String> ex = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (ex.size() < EXAMPLES) {
              ex.add(s.spec());
            }
            ExplorerRun.Result best = shortest.get(kind);
            if (best == null || s.deviations() < best.schedule().deviations()) {
              shortest.put(kind, r);
            }
          }
        }
        prefix = s.next(faults);
        if (schedules % 50_000 == 0) {
          System.out.printf("  ... %d schedules, %d breaking an invariant, %.0f s%n", schedules, bad,
              (System.nanoTime() - start) / 1e9);
        }
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      violating += bad;
      StringBuilder b = new StringBuilder();
      b.append(String.format("rds-tagflow explorer: %d schedules explored (bound: at most %d faults or"
          + " interleavings per schedule, describe lag up to %d distinct older views, %d update(s) after the restore,"
          + " claim %s), %d polls, up to %d choice points a schedule, wall time %.1f s%n", schedules, faults, lag,
          updates, claim ? "lease" : "none", polls, maxPoints, wall.toMillis() / 1000.0));
      b.append("  schedules breaking an invariant: ").append(bad).append('\n');
      kinds.forEach((k, v) -> b.append(String.format("    %-48s %7d schedules, e.g. %s%n", k, v, examples.get(k))));
      b.append("  by the classes of fault they combine:\n");
      byClasses.forEach((k, v) -> b.append(String.format("    %-48s %7d schedules%n", k, v)));
      for (Map.Entry<String, ExplorerRun.Result> e : shortest.entrySet()) {
        b.append("\n  shortest schedule for [").append(e.getKey()).append("]:\n")
            .append(render(e.getValue(), claim, lag, updates, false));
      }
      System.out.println(b);
      report.append(b);
    }
    assertThat(violating).as("schedules broke the promise:%n%s", report).isZero();
  }

  static String kind(String violation) {
    int end = violation.indexOf(']');
    return violation.startsWith("[") && end > 0 ? violation.substring(1, end) : violation;
  }

  private static String render(ExplorerRun.Result r, boolean claim, int lag, int updates, boolean trace) {
    StringBuilder b = new StringBuilder();
    b.append("  schedule ").append(r.schedule().spec().isEmpty() ? "(none)" : r.schedule().spec()).append(": ")
        .append(r.violations().size()).append(" violation(s)\n");
    for (String v : r.violations()) {
      b.append("    - ").append(v).append('\n');
    }
    b.append(r.schedule().describe());
    b.append("    replay: mvn -B -o -q -pl rds-tagflow-aws -am verify -Dtest=InterleavingExplorerTest")
        .append(" -Dsurefire.failIfNoSpecifiedTests=false -Dexplorer.schedule=").append(r.schedule().spec())
        .append(" -Dexplorer.lag=").append(lag).append(" -Dexplorer.updates=").append(updates)
        .append(" -Dexplorer.claim=").append(claim ? "lease" : "none").append('\n');
    b.append(trace ? r.trace() : "");
    return b.toString();
  }
}
