package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.core.ApiBudgetExhaustedException;
import io.rdstagflow.core.OperationStatus;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.testkit.FakeRds;
import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * One fleet run: N restores from snapshot started by a platform, polled through K broker replicas
 * against one fake RDS, on a virtual clock advanced in ticks.
 *
 * <h2>Time</h2>
 *
 * <p>The clock stands still during a tick. Every restore request and poll due within a tick (due
 * after the previous tick's instant, at or before this one's) runs at the tick's instant,
 * concurrently on the request threads of the replica the load balancer picked (as many at once as
 * it has threads, in the order they came due); the clock moves on only once all of them have
 * answered. With coalescing on, the tick is the coalescing window in
 * virtual time: polls due within one window arrive together, and the engine's real-time window
 * (a few milliseconds) is only how long a batch's first poll waits for the rest of its tick to join.
 * With coalescing off the tick is one second, the harness's resolution. Empty stretches are
 * skipped. A poll that pauses between retries of a tag write (the engine's sleeper) sleeps in
 * virtual time: the tick ends without it, and the tick at or after its wake-up time wakes it (see
 * {@link TickBarrier}); so the account's bucket refills between a throttled write and its retry,
 * as it would on a real clock, though a pause lasts at least a tick.
 *
 * <h2>The platform</h2>
 *
 * <p>Restore requests come at the configured rate, evenly spread with jitter, each to a replica
 * chosen at random; one refused by the replica's budget (the broker would answer it with an error)
 * is asked again {@link #START_RETRY} later. Each operation is first polled one interval after its
 * restore was accepted, then one interval after each answer, or after the answer's Retry-After if
 * that is longer (up to the platform's maximum), as Cloud Foundry does; each poll goes to a replica
 * chosen at random. A poll that throws (a permanent RDS error) is polled again an interval later.
 *
 * <h2>Latency</h2>
 *
 * <p>A poll's virtual latency is the simulated RDS latency of the calls made for it (the describe
 * it shared, then its steps' calls and its tag write, one after another), plus, with coalescing,
 * the whole window (what a batch's first poll waits: an upper bound), plus the virtual time it
 * paused. The latencies are accounted, not slept: the clock does not move during a tick; the
 * poll's answer, and so the platform's next poll, comes that much after the tick's instant.
 */
final class FleetRun {

  /** How long until the platform asks again for a restore a replica's budget refused. */
  static final Duration START_RETRY = Duration.ofSeconds(10);

  /** The engine's answer to a poll that got no budget token (it makes no call). */
  static final String BUDGET_WAIT = "waiting for the engine's RDS API budget";

  private static final long LATENCY_BUCKETS = 600_000;

  private final FleetConfig config;
  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds fake;
  private final FleetRecorder recorder;
  private final List<BrokerReplica> replicas = new ArrayList<>();
  private final FleetOperation[] ops;
  private final SplittableRandom random;

  private final LongAdder engineCpu = new LongAdder();
  private final LongAdder polls = new LongAdder();
  private final LongAdder describedPolls = new LongAdder();
  private final LongAdder describedPollsCpu = new LongAdder();
  private final LongAdder decisionsWithoutFreshDescribe = new LongAdder();
  private final LongAdder missingRetryAfter = new LongAdder();
  private final LongAdder pollsLengthened = new LongAdder();
  private final AtomicLongArray pollLatencyMillis = new AtomicLongArray((int) LATENCY_BUCKETS + 1);
  private final AtomicLongArray describedPollLatencyMillis = new AtomicLongArray((int) LATENCY_BUCKETS + 1);
  private final java.util.concurrent.atomic.AtomicLong maxRetryAfter = new java.util.concurrent.atomic.AtomicLong();
  private final double[] minBudgetRate = {Double.MAX_VALUE};
  private final TickBarrier barrier;
  private volatile Throwable taskFailure;

  FleetRun(FleetConfig config) {
    this.config = config;
    this.random = new SplittableRandom(config.seed());
    this.fake = FleetFake.build(config, clock);
    int seconds = (int) Math.min(Integer.MAX_VALUE - 1, config.maxVirtualTime().toSeconds() + 3600);
    this.recorder = new FleetRecorder(clock, seconds);
    this.barrier = new TickBarrier(recorder::nowMs);
    this.ops = new FleetOperation[config.operations()];
    int width = Integer.toString(config.operations() - 1).length();
    for (int i = 0; i < ops.length; i++) {
      ops[i] = new FleetOperation(i, String.format("fleet-%0" + width + "d", i));
      recorder.register(ops[i]);
    }
    for (int k = 0; k < config.replicas(); k++) {
      BrokerReplica r = new BrokerReplica(k, config, fake, clock, recorder, barrier.sleeper());
      r.budget.onRateChange((before, after) -> {
        synchronized (minBudgetRate) {
          minBudgetRate[0] = Math.min(minBudgetRate[0], after);
        }
      });
      replicas.add(r);
    }
  }

  /** Runs the fleet to its end (or the time limit) and measures it. */
  static FleetReport run(FleetConfig config) {
    FleetRun run = new FleetRun(config);
    try {
      return run.go();
    } finally {
      run.replicas.forEach(BrokerReplica::close);
    }
  }

  private FleetReport go() {
    long wall0 = System.nanoTime();
    long tick = config.tick().toMillis();
    long limit = config.maxVirtualTime().toMillis();
    if (config.startRate() * tick / 1000.0 > FleetConfig.MAX_STARTS_AT_ONCE - 1) {
      throw new IllegalArgumentException("starts at " + config.startRate() + "/s would exceed "
          + FleetConfig.MAX_STARTS_AT_ONCE + " in one tick");
    }
    // When each restore is first asked for: evenly spread, with jitter, in order.
    PriorityQueue<FleetOperation> startsDue = new PriorityQueue<>(Comparator.comparingLong((FleetOperation o) -> o.dueMs)
        .thenComparingInt(o -> o.index));
    for (FleetOperation op : ops) {
      op.dueMs = Math.round((op.index + random.nextDouble()) * 1000 / config.startRate());
      op.firstAskedAtMs = op.dueMs;
      startsDue.add(op);
    }
    PriorityQueue<FleetOperation> pollsDue = new PriorityQueue<>(Comparator.comparingLong((FleetOperation o) -> o.dueMs)
        .thenComparingInt(o -> o.index));
    int[] inFlightPerSecond = new int[(int) (limit / 1000) + 2];
    int ended = 0;
    int inFlight = 0;
    int peak = 0;
    long startRefusals = 0;
    long now = 0;
    long reportedHour = 0;
    ConcurrentLinkedQueue<FleetOperation> startsDone = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<FleetOperation> pollsDone = new ConcurrentLinkedQueue<>();
    while (ended < ops.length) {
      long next = Math.min(barrier.nextWakeUp(), Long.MAX_VALUE);
      if (!startsDue.isEmpty()) {
        next = Math.min(next, startsDue.peek().dueMs);
      }
      if (!pollsDue.isEmpty()) {
        next = Math.min(next, pollsDue.peek().dueMs);
      }
      // The tick whose instant is the first at or after the next event, never the current one again.
      long at = Math.max(now + tick, ceilTo(next, tick));
      if (at > limit) {
        break;
      }
      clock.advance(Duration.ofMillis(at - now));
      for (long s = now / 1000 + 1; s <= at / 1000 && s < inFlightPerSecond.length; s++) {
        inFlightPerSecond[(int) s] = inFlight;
      }
      now = at;
      final long tickAt = at;
      barrier.wake(at);
      while (!startsDue.isEmpty() && startsDue.peek().dueMs <= at) {
        FleetOperation op = startsDue.poll();
        BrokerReplica r = pick();
        barrier.submit(r.threads, r.permits, guarded(() -> {
          start(op, r, tickAt);
          startsDone.add(op);
        }));
      }
      while (!pollsDue.isEmpty() && pollsDue.peek().dueMs <= at) {
        FleetOperation op = pollsDue.poll();
        BrokerReplica r = pick();
        barrier.submit(r.threads, r.permits, guarded(() -> {
          poll(op, r, tickAt);
          pollsDone.add(op);
        }));
      }
      barrier.awaitQuiet();
      if (taskFailure != null) {
        throw new IllegalStateException("a request thread failed", taskFailure);
      }
      for (FleetOperation op = startsDone.poll(); op != null; op = startsDone.poll()) {
        if (op.started()) {
          inFlight++;
          pollsDue.add(op);
        } else if (op.failedAtMs >= 0) {
          ended++;
        } else {
          startRefusals++;
          op.startRefusals++;
          op.dueMs = at + START_RETRY.toMillis();
          startsDue.add(op);
        }
      }
      for (FleetOperation op = pollsDone.poll(); op != null; op = pollsDone.poll()) {
        if (op.ended()) {
          ended++;
          inFlight--;
        } else {
          pollsDue.add(op);
        }
      }
      peak = Math.max(peak, inFlight);
      if (at / 3_600_000 > reportedHour) {
        reportedHour = at / 3_600_000;
        // Big runs take an hour of real time: say where they are, every virtual hour.
        System.err.printf(Locale.ROOT, "  %s virtual: %d ended, %d in flight, %d polls, %.0f s real%n",
            FleetReport.hms(at / 1000.0), ended, inFlight, polls.sum(), (System.nanoTime() - wall0) / 1e9);
      }
      if ((at / 1000) < inFlightPerSecond.length) {
        inFlightPerSecond[(int) (at / 1000)] = Math.max(inFlightPerSecond[(int) (at / 1000)], inFlight);
      }
    }
    barrier.wakeAll(); // the run gave up: let paused polls finish (their answers are not counted)
    barrier.awaitQuiet();
    long wall = (System.nanoTime() - wall0) / 1_000_000;
    return report(now, wall, peak, startRefusals, inFlightPerSecond);
  }

  private BrokerReplica pick() {
    return replicas.get(replicas.size() == 1 ? 0 : random.nextInt(replicas.size()));
  }

  /** The platform's restore request, as the broker's provision handler makes it. */
  private void start(FleetOperation op, BrokerReplica r, long at) {
    try {
      OperationToken token = r.tagflow.starter().restoreFromSnapshot(r.flow, Map.of(),
          req -> req.dbInstanceIdentifier(op.instanceId).dbSnapshotIdentifier(FleetFake.SNAPSHOT)
              .dbInstanceClass("db.t3.micro"));
      op.operation = token.encode();
      op.startedAtMs = at;
      op.dueMs = at + config.pollInterval().toMillis();
    } catch (ApiBudgetExhaustedException e) {
      // Refused before it was sent: the broker answers the request with an error; asked again later.
    } catch (AwsServiceException e) {
      if (!e.isThrottlingException()) {
        op.failedAtMs = at;
        op.failure = "restore request: " + e.awsErrorDetails().errorCode();
      }
    }
  }

  /** One LastOperation request, as the broker's handler answers it: one call to the engine. */
  private void poll(FleetOperation op, BrokerReplica r, long at) {
    long cpu0 = FleetRecorder.threadCpu();
    long fake0 = FleetRecorder.cpuInFake();
    op.describesInPoll.set(0);
    op.pollCallLatencyNanos.set(0);
    op.pollStartSeq = recorder.next();
    OperationStatus status = null;
    RuntimeException error = null;
    try {
      status = r.engine().poll(op.instanceId, op.operation);
    } catch (RuntimeException e) {
      error = e;
    }
    recorder.next();
    op.pollStartSeq = 0;
    long cpu = (FleetRecorder.threadCpu() - cpu0) - (FleetRecorder.cpuInFake() - fake0);
    engineCpu.add(cpu);
    polls.increment();
    if (op.describesInPoll.get() > 0) {
      describedPolls.increment();
      describedPollsCpu.add(cpu);
    }
    op.polls++;
    long callsLatency = op.pollCallLatencyNanos.get() / 1_000_000;
    long paused = recorder.nowMs() - at; // virtual time the poll spent pausing between write retries
    // With coalescing, every poll is counted as waiting the whole window, as a batch's first poll
    // does: an upper bound (a poll that joins later, or a batch that fills, waits less).
    long hold = config.coalesce() ? config.window().toMillis() : 0;
    pollLatencyMillis.incrementAndGet((int) Math.min(LATENCY_BUCKETS, hold + paused + callsLatency));
    if (op.describesInPoll.get() > 0) {
      describedPollLatencyMillis.incrementAndGet((int) Math.min(LATENCY_BUCKETS, hold + paused + callsLatency));
    }
    long answeredAt = at + paused + callsLatency;
    long interval = config.pollInterval().toMillis();
    if (error == null && status.state() == OperationStatus.State.IN_PROGRESS
        && BUDGET_WAIT.equals(status.description())) {
      op.trace(at, null, true);
    } else {
      op.trace(at, "poll " + op.polls + " (replica " + r.number + ", " + op.describesInPoll.get() + " describe) "
          + (error != null ? "threw " + error.getClass().getSimpleName()
              : status.state().osbValue() + ": " + status.description()), false);
    }
    if (error != null) {
      op.pollErrors++;
      op.dueMs = answeredAt + interval;
      return;
    }
    op.last = status;
    boolean budgetWait = status.state() == OperationStatus.State.IN_PROGRESS
        && BUDGET_WAIT.equals(status.description());
    if (budgetWait) {
      op.budgetWaits++; // no call: nothing to check
    } else if (op.describesInPoll.get() == 0) {
      decisionsWithoutFreshDescribe.increment();
    }
    if (status.state() == OperationStatus.State.IN_PROGRESS && !budgetWait
        && status.description().startsWith(BUDGET_WAIT)) {
      op.workWaits++; // described, then waited for the budget to act
    }
    switch (status.state()) {
      case SUCCEEDED -> op.succeededAtMs = answeredAt;
      case FAILED -> {
        op.failedAtMs = answeredAt;
        op.failure = status.description();
      }
      default -> {
        Optional<Duration> retryAfter = status.retryAfter();
        if (retryAfter.isEmpty()) {
          missingRetryAfter.increment();
        } else {
          long ra = retryAfter.get().toMillis();
          maxRetryAfter.accumulateAndGet(ra / 1000, Math::max);
          long honoured = Math.min(ra, config.platformMaxInterval().toMillis());
          if (honoured > interval) {
            pollsLengthened.increment();
            interval = honoured;
          }
        }
        op.dueMs = answeredAt + interval;
      }
    }
  }

  private FleetReport report(long endMs, long wallMillis, int peak, long startRefusals, int[] inFlightPerSecond) {
    int succeeded = 0;
    int failed = 0;
    int unfinished = 0;
    int maxPolls = 0;
    long budgetWaits = 0;
    long workWaits = 0;
    long pollErrors = 0;
    long lastEnd = 0;
    long lastStart = 0;
    List<String> failures = new ArrayList<>();
    List<String> traces = new ArrayList<>();
    long[] toSucceeded = new long[ops.length];
    int measured = 0;
    long t0 = VirtualClock.DEFAULT_START.toEpochMilli();
    for (FleetOperation op : ops) {
      maxPolls = Math.max(maxPolls, op.polls);
      lastStart = Math.max(lastStart, op.startedAtMs);
      budgetWaits += op.budgetWaits;
      workWaits += op.workWaits;
      pollErrors += op.pollErrors;
      if (op.succeededAtMs >= 0) {
        succeeded++;
        lastEnd = Math.max(lastEnd, op.succeededAtMs);
        Optional<InstanceHistory> h = fake.history(op.instanceId);
        Optional<InstanceHistory.StatusChange> available = h.flatMap(x -> x.statuses().stream()
            .filter(c -> c.status().equals("available")).findFirst());
        if (available.isPresent()) {
          toSucceeded[measured++] = op.succeededAtMs - (available.get().at().toEpochMilli() - t0);
        }
      } else if (op.failedAtMs >= 0) {
        failed++;
        lastEnd = Math.max(lastEnd, op.failedAtMs);
        if (failures.size() < 5) {
          failures.add(op.instanceId + ": " + op.failure);
        }
        if (traces.size() < 3) {
          traces.add(op.instanceId + " (" + op.polls + " polls, " + op.budgetWaits + " waited for the budget);"
              + " its last events, then the fake's history:\n" + op.renderTrace()
              + fake.history(op.instanceId).map(InstanceHistory::render).orElse("(no history)"));
        }
      } else {
        unfinished++;
      }
    }
    long end = unfinished > 0 ? endMs : lastEnd;
    double seconds = end / 1000.0;
    long[] sample = Arrays.copyOf(toSucceeded, measured);
    Arrays.sort(sample);
    int[] perSecond = recorder.callsPerSecond((int) (end / 1000) + 1);
    int[] describesPerSecond = recorder.describesPerSecond((int) (end / 1000) + 1);
    int maxSecond = 0;
    long window = 0;
    long maxWindow = 0;
    for (int s = 0; s < perSecond.length; s++) {
      maxSecond = Math.max(maxSecond, perSecond[s]);
      window += perSecond[s];
      if (s >= 60) {
        window -= perSecond[s - 60];
      }
      maxWindow = Math.max(maxWindow, window);
    }
    long peakDescribes = 0;
    long peakSeconds = 0;
    for (int s = 0; s < describesPerSecond.length && s < inFlightPerSecond.length; s++) {
      if (inFlightPerSecond[s] >= 0.9 * peak) {
        peakDescribes += describesPerSecond[s];
        peakSeconds++;
      }
    }
    long budgetThrottles = replicas.stream().mapToLong(r -> r.budget.throttles()).sum();
    double minRate = minBudgetRate[0] == Double.MAX_VALUE ? config.replicaRate() : minBudgetRate[0];
    long p = polls.sum();
    return new FleetReport(config, succeeded, failed, unfinished, failures, traces, seconds, wallMillis, peak, p, maxPolls,
        budgetWaits, workWaits, pollErrors, recorder.describes(), recorder.describedIds(),
        peakSeconds == 0 ? 0 : (double) peakDescribes / peakSeconds, recorder.calls(), maxWindow / 60.0, maxSecond,
        recorder.throttled(), FleetFake.accountThrottles(fake), budgetThrottles, minRate, startRefusals,
        percentile(sample, 0.50) / 1000.0, percentile(sample, 0.99) / 1000.0,
        latencyPercentile(pollLatencyMillis, p, 0.50), latencyPercentile(pollLatencyMillis, p, 0.99),
        latencyPercentile(describedPollLatencyMillis, describedPolls.sum(), 0.99), barrier.pauses(), p == 0 ? 0 : (double) engineCpu.sum() / p,
        describedPolls.sum() == 0 ? 0 : (double) describedPollsCpu.sum() / describedPolls.sum(),
        lastStart / 1000.0, recorder.describesOutsideAPoll(),
        decisionsWithoutFreshDescribe.sum(), missingRetryAfter.sum(), maxRetryAfter.get(), pollsLengthened.sum(),
        recorder.callsByOperation(), recorder.batchSizes());
  }

  private static long latencyPercentile(AtomicLongArray histogram, long total, double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int ms = 0; ms < histogram.length(); ms++) {
      seen += histogram.get(ms);
      if (seen >= rank) {
        return ms;
      }
    }
    return LATENCY_BUCKETS;
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static long ceilTo(long ms, long tick) {
    return ((ms + tick - 1) / tick) * tick;
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        taskFailure = e;
      }
    };
  }
}
