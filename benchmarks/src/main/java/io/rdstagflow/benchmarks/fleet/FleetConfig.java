package io.rdstagflow.benchmarks.fleet;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What one fleet run simulates: how many operations, through how many broker replicas, with or
 * without describe coalescing, against an account of what rate, polled by what platform.
 * Immutable; {@link #defaults(int)} gives the settings {@code docs/performance.md} states, the
 * {@code with...} methods change one.
 *
 * @param operations          how many restores from snapshot the platform starts (N)
 * @param replicas            how many broker replicas behind the platform's load balancer (K), each
 *                            with its own engine and budget share
 * @param coalesce            whether each replica's engine coalesces its polls' describes
 * @param window              the coalescing window in virtual time: the harness's tick while
 *                            coalescing (polls due within one tick arrive together); with
 *                            coalescing off the tick is {@link #OFF_TICK}
 * @param realWindow          the engine's own (real-time) coalescing window: how long a batch's
 *                            first poll waits for the rest of its tick's polls to join
 * @param seed                the seed of the start times, the load balancer's choices and the fake
 *                            (restore times, latencies)
 * @param pollInterval        the platform's poll interval (Cloud Foundry's default: 60 s)
 * @param platformMaxInterval the longest interval the platform accepts from a Retry-After
 * @param accountRate         the account's sustained RDS rate, requests a second (RDS: 12)
 * @param accountBurst        the account's burst (RDS: 300)
 * @param brokersRate         the rate all replicas' engines give themselves together, requests a
 *                            second, split evenly over the replicas (the README's fleet settings:
 *                            8, so each replica's budget is {@code 8 / K} a second, two thirds of
 *                            the account's 12)
 * @param replicaBurst        each replica's budget burst (the README's fleet settings: 20)
 * @param startRate           how many restores the platform starts a second, on average (its
 *                            starts are spread evenly with jitter; never more than
 *                            {@link #MAX_STARTS_AT_ONCE} in one tick)
 * @param restoreMedian       the median time a restore spends {@code creating} (the reference
 *                            lifecycle's 10 minutes, stretched for large fleets)
 * @param restoreSpread       sigma of the log-normal spread of restore times around the median
 *                            (the fake's {@code creatingSpread}); 0 for every restore the same
 * @param threadsPerReplica   each replica's request threads: how many requests it serves at once
 *                            (Spring Boot's Tomcat serves 200 by default)
 * @param maxVirtualTime      when the harness gives up on operations that have not ended
 * @param latency             whether the fake draws RDS-like latencies per call (for the poll
 *                            latency figure; nothing sleeps)
 */
public record FleetConfig(
    int operations,
    int replicas,
    boolean coalesce,
    Duration window,
    Duration realWindow,
    long seed,
    Duration pollInterval,
    Duration platformMaxInterval,
    double accountRate,
    int accountBurst,
    double brokersRate,
    int replicaBurst,
    double startRate,
    Duration restoreMedian,
    double restoreSpread,
    int threadsPerReplica,
    Duration maxVirtualTime,
    boolean latency) {

  /** The harness's tick with coalescing off: a poll due at any time in a second runs at its end. */
  public static final Duration OFF_TICK = Duration.ofSeconds(1);

  /** The most restores the platform starts in one tick: the account's documented burst. */
  public static final int MAX_STARTS_AT_ONCE = 300;

  /** The reference lifecycle's restore: 10 minutes {@code creating}. */
  public static final Duration REFERENCE_RESTORE = Duration.ofMinutes(10);

  /** Fleet sizes from which the restore's median is stretched: one reference restore per 2,000 operations. */
  public static final int OPERATIONS_PER_REFERENCE_RESTORE = 2_000;

  /**
   * @throws IllegalArgumentException if a count or a rate is not positive, the share is not in
   *     (0, 1], or a duration is negative or zero where it must not be
   */
  public FleetConfig {
    positive(operations, "operations");
    positive(replicas, "replicas");
    positive(threadsPerReplica, "threadsPerReplica");
    positive(accountBurst, "accountBurst");
    positive(replicaBurst, "replicaBurst");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(realWindow, "realWindow");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(platformMaxInterval, "platformMaxInterval");
    Objects.requireNonNull(restoreMedian, "restoreMedian");
    Objects.requireNonNull(maxVirtualTime, "maxVirtualTime");
    if (window.toMillis() < 1 || window.compareTo(Duration.ofSeconds(5)) > 0) {
      throw new IllegalArgumentException("window must be 1 ms to 5 s (the engine's limit), was " + window);
    }
    if (realWindow.isNegative() || realWindow.isZero() || realWindow.compareTo(Duration.ofSeconds(5)) > 0) {
      throw new IllegalArgumentException("realWindow must be above 0 and at most 5 s, was " + realWindow);
    }
    if (pollInterval.toMillis() < 1000 || platformMaxInterval.compareTo(pollInterval) < 0) {
      throw new IllegalArgumentException("pollInterval must be at least 1 s and platformMaxInterval at least"
          + " pollInterval, were " + pollInterval + " and " + platformMaxInterval);
    }
    if (!(accountRate > 0) || !(startRate > 0) || Double.isInfinite(accountRate) || Double.isInfinite(startRate)) {
      throw new IllegalArgumentException("accountRate and startRate must be positive, were " + accountRate + " and "
          + startRate);
    }
    if (!(brokersRate > 0) || Double.isInfinite(brokersRate)) {
      throw new IllegalArgumentException("brokersRate must be positive, was " + brokersRate);
    }
    if (!(restoreSpread >= 0) || Double.isInfinite(restoreSpread)) {
      throw new IllegalArgumentException("restoreSpread must be finite and not negative, was " + restoreSpread);
    }
    if (restoreMedian.isNegative() || maxVirtualTime.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("restoreMedian must not be negative and maxVirtualTime at least 1 min");
    }
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
  }

  /**
   * The settings {@code docs/performance.md} states for {@code operations} in flight: one replica,
   * coalescing on with a window of 1 s (20 ms of real time for the tick's polls to join), seed 1,
   * Cloud Foundry's platform (60 s, a Retry-After honoured up to 24 h), RDS's account (12 a
   * second, burst 300), the README's fleet budget (8 a second for all replicas together, bursts of
   * 20 each), starts at half the brokers' rate, restores of 10 minutes per 2,000 operations (at
   * least 10) spread with sigma 0.25, 200 request threads a replica (Tomcat's default), given up
   * after 48 h, RDS-like latencies.
   */
  public static FleetConfig defaults(int operations) {
    double brokers = 8;
    long stretch = Math.max(1, Math.round((double) operations / OPERATIONS_PER_REFERENCE_RESTORE));
    return new FleetConfig(operations, 1, true, Duration.ofSeconds(1), Duration.ofMillis(20), 1,
        Duration.ofSeconds(60), Duration.ofHours(24), 12, 300, brokers, 20, brokers / 2,
        REFERENCE_RESTORE.multipliedBy(stretch), 0.25, 200, Duration.ofHours(48), true);
  }

  /** The harness's tick: the window while coalescing, {@link #OFF_TICK} without. */
  public Duration tick() {
    return coalesce ? window : OFF_TICK;
  }

  /** One replica's engine budget: its share of the brokers' rate, a second. */
  public double replicaRate() {
    return brokersRate / replicas;
  }

  /** A copy with another number of replicas. */
  public FleetConfig withReplicas(int k) {
    return new FleetConfig(operations, k, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with coalescing on or off. */
  public FleetConfig withCoalesce(boolean on) {
    return new FleetConfig(operations, replicas, on, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another virtual window (the tick while coalescing). */
  public FleetConfig withWindow(Duration w) {
    return new FleetConfig(operations, replicas, coalesce, w, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another real-time window for the engine. */
  public FleetConfig withRealWindow(Duration w) {
    return new FleetConfig(operations, replicas, coalesce, window, w, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another seed. */
  public FleetConfig withSeed(long s) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, s, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another platform maximum for Retry-After. */
  public FleetConfig withPlatformMaxInterval(Duration max) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, max,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another budget: all replicas' rate together, and each one's burst. */
  public FleetConfig withBudget(double rateOfAllReplicas, int burstOfEach) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, rateOfAllReplicas, burstOfEach, startRate, restoreMedian, restoreSpread,
        threadsPerReplica, maxVirtualTime, latency);
  }

  /** A copy with another account: its sustained rate and its burst. */
  public FleetConfig withAccount(double rate, int burst) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        rate, burst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another start rate. */
  public FleetConfig withStartRate(double perSecond) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, perSecond, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, latency);
  }

  /** A copy with another restore median and spread. */
  public FleetConfig withRestore(Duration median, double spread) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, median, spread, threadsPerReplica, maxVirtualTime, latency);
  }

  /** A copy with another number of threads per replica. */
  public FleetConfig withThreadsPerReplica(int threads) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threads, maxVirtualTime,
        latency);
  }

  /** A copy with another time limit. */
  public FleetConfig withMaxVirtualTime(Duration max) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica, max,
        latency);
  }

  /** A copy with simulated latencies on or off. */
  public FleetConfig withLatency(boolean on) {
    return new FleetConfig(operations, replicas, coalesce, window, realWindow, seed, pollInterval, platformMaxInterval,
        accountRate, accountBurst, brokersRate, replicaBurst, startRate, restoreMedian, restoreSpread, threadsPerReplica,
        maxVirtualTime, on);
  }

  /** The settings in one line, for a report's header. */
  public String describe() {
    return String.format(Locale.ROOT,
        "N=%d K=%d coalescing=%s window=%s (real %d ms) seed=%d | platform: every %d s, Retry-After honoured up to %s"
            + " | account %.0f/s burst %d, engines %.2f/s burst %d each | starts %.2f/s | restore median %s"
            + " spread %.2f | %d threads/replica | latency %s",
        operations, replicas, coalesce ? "on" : "off", human(window), realWindow.toMillis(), seed,
        pollInterval.toSeconds(), human(platformMaxInterval), accountRate, accountBurst, replicaRate(), replicaBurst(),
        startRate, human(restoreMedian), restoreSpread, threadsPerReplica, latency ? "rds-like" : "none");
  }

  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + " h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + " min";
    }
    return s + " s";
  }
}
