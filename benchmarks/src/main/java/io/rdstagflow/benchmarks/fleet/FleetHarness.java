package io.rdstagflow.benchmarks.fleet;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The fleet benchmark of issue 12: N restores from snapshot in flight, polled by a platform every
 * 60 s (honouring Retry-After), through K broker replicas, each with its own engine and its share
 * of the account's API budget, against one fake RDS whose account allows 12 requests a second with
 * a burst of 300, on a virtual clock. Every poll goes through the real engine
 * ({@code TagStateMachine}) and the real {@code SdkRdsGateway} over the fake's {@code RdsClient}.
 * See {@link FleetRun} for the design, {@link FleetReport} for the figures, and
 * {@code docs/performance.md} ("Fleet") for the results and the command.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.rdstagflow.benchmarks.fleet.FleetHarness \
 *     --operations 2000,10000,50000 --replicas 1,3 --coalescing off,on
 * </pre>
 *
 * <p>Lists run every combination, one after another, each report printed as it ends and a
 * Markdown table of all of them at the end. Exits with 1 if any run broke an invariant (an
 * operation failed or did not finish, a decision on a stale describe, a throttled call, or an
 * in-progress answer without Retry-After), 2 on a usage error.
 */
public final class FleetHarness {

  private FleetHarness() {
  }

  /** Runs the harness; see the class comment and {@link #usage()}. */
  public static void main(String[] args) {
    List<FleetConfig> configs;
    boolean warmUp = !List.of(args).contains("--no-warm-up");
    try {
      configs = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    if (configs.isEmpty()) {
      System.out.println(usage());
      return;
    }
    boolean ok = true;
    List<FleetReport> reports = new ArrayList<>();
    PrintStream out = System.out;
    if (warmUp) {
      // The JIT compiles the engine, the SDK model and the fake before anything is measured.
      out.println("warming up: 1,000 operations without coalescing, not reported ...");
      FleetRun.run(FleetConfig.defaults(1_000).withCoalesce(false));
    }
    for (FleetConfig c : configs) {
      out.printf(Locale.ROOT, "running N=%d K=%d coalescing %s ...%n", c.operations(), c.replicas(),
          c.coalesce() ? "on" : "off");
      out.flush();
      FleetReport r = FleetRun.run(c);
      reports.add(r);
      out.println(r.render());
      out.flush();
      ok &= holdsInvariants(r);
    }
    out.println(FleetReport.markdownHeader());
    for (FleetReport r : reports) {
      out.println(r.markdownRow());
    }
    if (!ok) {
      System.exit(1);
    }
  }

  /** What every run must show, whatever its size. */
  static boolean holdsInvariants(FleetReport r) {
    return r.allSucceeded() && r.staleDecisions() == 0 && r.throttled() == 0 && r.missingRetryAfter() == 0;
  }

  static String usage() {
    return String.join("\n",
        "usage: FleetHarness [options]      (a comma-separated list runs each value)",
        "  --operations N[,N...]     restores from snapshot in flight (required), e.g. 2000,10000,50000",
        "  --replicas K[,K...]       broker replicas, each with its own engine (default 1)",
        "  --coalescing on|off[,..]  describe coalescing in each engine (default on)",
        "  --window D                coalescing window in virtual time, the tick (default 1s; at most 5s)",
        "  --real-window D           the engine's real-time window for a tick's polls to join (default 20ms)",
        "  --seed S                  seed of starts, load balancing, restore times, latencies (default 1)",
        "  --account RATE,BURST      the account's rate limit on the fake (default 12,300)",
        "  --budget RATE,BURST       all replicas' engine rate together, each one's burst (default 8,20)",
        "  --start-rate R            restore requests a second (default: half the brokers' rate, 4)",
        "  --restore D               median restore (creating) time (default 10min per 2,000 operations)",
        "  --restore-spread SIGMA    log-normal spread of restore times (default 0.25)",
        "  --platform-max D          longest Retry-After the platform honours (default 24h)",
        "  --threads T               requests a replica serves at once (default 200, Tomcat's default)",
        "  --max-time D              give up on operations not ended by then, virtual (default 48h)",
        "  --no-latency              no simulated RDS latencies",
        "  --no-warm-up              no 1,000-operation run (not reported) before the first",
        "  durations: 20ms, 1s, 10min, 2h");
  }

  static List<FleetConfig> parse(String[] args) {
    List<Integer> operations = new ArrayList<>();
    List<Integer> replicas = new ArrayList<>(List.of(1));
    List<Boolean> coalescing = new ArrayList<>(List.of(true));
    List<UnaryOperator<FleetConfig>> settings = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return List.of();
      }
      if (a.equals("--no-latency")) {
        settings.add(c -> c.withLatency(false));
        continue;
      }
      if (a.equals("--no-warm-up")) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--operations", "-n" -> {
          operations.clear();
          for (String s : v.split(",")) {
            operations.add(Integer.parseInt(s.trim().replace("_", "")));
          }
        }
        case "--replicas", "-k" -> {
          replicas.clear();
          for (String s : v.split(",")) {
            replicas.add(Integer.parseInt(s.trim()));
          }
        }
        case "--coalescing" -> {
          coalescing.clear();
          for (String s : v.split(",")) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
              case "on" -> coalescing.add(true);
              case "off" -> coalescing.add(false);
              default -> throw new IllegalArgumentException("--coalescing takes on or off, not " + s);
            }
          }
        }
        case "--window" -> settings.add(c -> c.withWindow(duration(v)));
        case "--real-window" -> settings.add(c -> c.withRealWindow(duration(v)));
        case "--seed" -> settings.add(c -> c.withSeed(Long.parseLong(v)));
        case "--budget" -> {
          String[] rb = v.split(",");
          if (rb.length != 2) {
            throw new IllegalArgumentException("--budget takes RATE,BURST, e.g. 8,20");
          }
          settings.add(c -> c.withBudget(Double.parseDouble(rb[0]), Integer.parseInt(rb[1].trim())));
        }
        case "--account" -> {
          String[] rb = v.split(",");
          if (rb.length != 2) {
            throw new IllegalArgumentException("--account takes RATE,BURST, e.g. 12,300");
          }
          settings.add(c -> c.withAccount(Double.parseDouble(rb[0]), Integer.parseInt(rb[1].trim())));
        }
        case "--start-rate" -> settings.add(c -> c.withStartRate(Double.parseDouble(v)));
        case "--restore" -> settings.add(c -> c.withRestore(duration(v), c.restoreSpread()));
        case "--restore-spread" -> settings.add(c -> c.withRestore(c.restoreMedian(), Double.parseDouble(v)));
        case "--platform-max" -> settings.add(c -> c.withPlatformMaxInterval(duration(v)));
        case "--threads" -> settings.add(c -> c.withThreadsPerReplica(Integer.parseInt(v)));
        case "--max-time" -> settings.add(c -> c.withMaxVirtualTime(duration(v)));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("--operations is required");
    }
    List<FleetConfig> configs = new ArrayList<>();
    for (int n : operations) {
      for (int k : replicas) {
        for (boolean on : coalescing) {
          FleetConfig c = FleetConfig.defaults(n).withReplicas(k).withCoalesce(on);
          for (UnaryOperator<FleetConfig> s : settings) {
            c = s.apply(c);
          }
          configs.add(c);
        }
      }
    }
    return configs;
  }

  static Duration duration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("min")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 3)));
      }
      if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("not a duration (20ms, 1s, 10min, 2h): " + s);
  }
}
