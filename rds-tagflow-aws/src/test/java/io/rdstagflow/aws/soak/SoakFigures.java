package io.rdstagflow.aws.soak;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's figures, added up over every flow: what the test prints and what
 * {@code docs/reliability.md} records for the long run.
 */
final class SoakFigures {

  private int flows;
  private final int[] flowsByClaim = new int[2];
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private final Map<String, Integer> faults = new TreeMap<>();
  private final Map<String, Integer> faultedFlows = new TreeMap<>();
  @SuppressWarnings("unchecked")
  private final Map<String, Integer>[] repeatsByClaim = new Map[] {new TreeMap<>(), new TreeMap<>()};
  @SuppressWarnings("unchecked")
  private final Map<String, Integer>[] actionRepeatsByClaim = new Map[] {new TreeMap<>(), new TreeMap<>()};
  private final int[] leaseExpiriesByClaim = new int[2];
  private final int[] seenRecordedByClaim = new int[2];
  private int[] polls = new int[1024];
  private long pollTotal;
  private Duration blocked = Duration.ZERO;
  private Duration virtual = Duration.ZERO;
  private int violatingFlows;
  private final Map<String, Integer> violationKinds = new TreeMap<>();
  private final Map<String, java.util.List<Long>> exampleSeeds = new TreeMap<>();

  void add(FlowResult f) {
    if (flows == polls.length) {
      polls = Arrays.copyOf(polls, flows * 2);
    }
    polls[flows++] = f.polls();
    pollTotal += f.polls();
    int claim = f.claimOn() ? 1 : 0;
    flowsByClaim[claim]++;
    outcomes.merge(f.outcome(), 1, Integer::sum);
    f.faults().forEach((k, v) -> {
      faults.merge(k, v, Integer::sum);
      faultedFlows.merge(k, 1, Integer::sum);
    });
    f.repeats().forEach((k, v) -> repeatsByClaim[claim].merge(k, v, Integer::sum));
    f.actionRepeats().forEach((k, v) -> actionRepeatsByClaim[claim].merge(k, v, Integer::sum));
    leaseExpiriesByClaim[claim] += f.leaseExpiries();
    seenRecordedByClaim[claim] += f.seenRecorded();
    blocked = blocked.plus(f.blocked());
    virtual = virtual.plus(f.virtualTime());
    violatingFlows += f.ok() ? 0 : 1;
    f.violations().stream().map(SoakFigures::kind).distinct().forEach(k -> {
      violationKinds.merge(k, 1, Integer::sum);
      java.util.List<Long> seeds = exampleSeeds.computeIfAbsent(k, x -> new java.util.ArrayList<>());
      if (seeds.size() < 3) {
        seeds.add(f.seed());
      }
    });
  }

  /** A violation's kind, the {@code [kind]} it begins with. */
  static String kind(String violation) {
    int end = violation.indexOf(']');
    return violation.startsWith("[") && end > 0 ? violation.substring(1, end) : violation;
  }

  int flows() {
    return flows;
  }

  int violatingFlows() {
    return violatingFlows;
  }

  private int percentile(int[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The figures as the test prints them (and docs/reliability.md quotes them). */
  String render(long masterSeed, Duration wall) {
    int[] sorted = Arrays.copyOf(polls, flows);
    Arrays.sort(sorted);
    StringBuilder b = new StringBuilder();
    b.append("rds-tagflow restore soak: ").append(flows).append(" flows, seed ").append(masterSeed)
        .append(", wall time ").append(String.format("%.1f s", wall.toMillis() / 1000.0))
        .append(String.format(" (%.2f ms per flow)", flows == 0 ? 0 : wall.toNanos() / 1e6 / flows)).append('\n');
    b.append("  claim policy: none ").append(flowsByClaim[0]).append(" flows, lease(")
        .append(FlowScenario.LEASE_TIME).append(") ").append(flowsByClaim[1]).append(" flows\n");
    b.append("  outcomes:\n");
    outcomes.forEach((k, v) -> b.append(String.format("    %-36s %8d%n", k, v)));
    b.append("  faults injected (total / flows hit):\n");
    faults.forEach((k, v) -> b.append(String.format("    %-36s %8d / %d%n", k, v, faultedFlows.get(k))));
    for (int claim = 0; claim < 2; claim++) {
      int total = repeatsByClaim[claim].values().stream().mapToInt(Integer::intValue).sum();
      b.append("  repeated step executions, claim ").append(claim == 0 ? "none" : "lease").append(": ")
          .append(total).append(String.format(" (%.3f per flow)", flowsByClaim[claim] == 0 ? 0.0
              : (double) total / flowsByClaim[claim]))
          .append('\n');
      repeatsByClaim[claim].forEach((k, v) -> b.append(String.format("    %-36s %8d%n", k, v)));
      b.append(String.format("    %-36s %8d%n", "(after another owner's lease expired)", leaseExpiriesByClaim[claim]));
      b.append(String.format("    %-36s %8d%n", "(its last describe showed it recorded)", seenRecordedByClaim[claim]));
      int actions = actionRepeatsByClaim[claim].values().stream().mapToInt(Integer::intValue).sum();
      b.append("  RDS actions applied again within one operation (the fake's call log), claim ")
          .append(claim == 0 ? "none" : "lease").append(": ").append(actions)
          .append(String.format(" (%.3f per flow)%n", flowsByClaim[claim] == 0 ? 0.0 : (double) actions / flowsByClaim[claim]));
      actionRepeatsByClaim[claim].forEach((k, v) -> b.append(String.format("    %-36s %8d%n", k, v)));
    }
    if (flows > 0) {
      b.append("  polls per flow: p50 ").append(percentile(sorted, 0.50)).append(", p99 ")
          .append(percentile(sorted, 0.99)).append(", max ").append(sorted[flows - 1])
          .append(String.format(", mean %.1f", (double) pollTotal / flows)).append('\n');
      b.append("  virtual time: ").append(virtual.toHours()).append(" h in all, ")
          .append(blocked.toMinutes()).append(" min of it blocked by faults\n");
    }
    b.append("  flows breaking an invariant: ").append(violatingFlows).append('\n');
    violationKinds.forEach((k, v) -> b.append(String.format("    %-36s %8d flows, e.g. seeds %s%n", k, v,
        exampleSeeds.get(k))));
    return b.toString();
  }
}
