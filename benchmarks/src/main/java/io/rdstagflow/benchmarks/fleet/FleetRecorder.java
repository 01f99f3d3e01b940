package io.rdstagflow.benchmarks.fleet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the brokers' RDS clients saw, for the whole fleet: every call counted per virtual second,
 * every DescribeDBInstances sequenced against the polls of the instances it names, the simulated
 * latency of each call attributed to the poll it served, and the CPU each thread spent inside the
 * fake (so that it can be taken out of the engine's CPU per poll).
 *
 * <p>One harness-wide sequence orders poll starts, describes sent and poll ends: a poll takes a
 * number before it calls the engine, a describe takes one before it reaches the fake. A describe
 * naming an instance whose poll is not in progress, or whose poll began after the describe was
 * sent, could only serve a decision on a describe older than the poll: it is counted as
 * {@link #describesOutsideAPoll()}. (The platform polls each operation one poll at a time, so a
 * describe naming an instance during its poll was sent for that poll.) Thread-safe.
 */
final class FleetRecorder {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Per thread: [0] CPU ns spent inside the fake, [1] the simulated latency of the last call, ns. */
  private static final ThreadLocal<long[]> CALL_STATE = ThreadLocal.withInitial(() -> new long[2]);

  private final Clock clock;
  private final long t0Millis;
  private final Map<String, FleetOperation> operations = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  private final LongAdder calls = new LongAdder();
  private final LongAdder describes = new LongAdder();
  private final LongAdder describedIds = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder describesOutsideAPoll = new LongAdder();
  private final LongAdder refusedByBudget = new LongAdder();
  private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();
  private final AtomicLongArray batchSizes = new AtomicLongArray(101);
  private final AtomicIntegerArray callsPerSecond;
  private final AtomicIntegerArray describesPerSecond;

  FleetRecorder(Clock clock, int seconds) {
    this.clock = clock;
    this.t0Millis = clock.millis();
    this.callsPerSecond = new AtomicIntegerArray(seconds + 1);
    this.describesPerSecond = new AtomicIntegerArray(seconds + 1);
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
  }

  void register(FleetOperation op) {
    operations.put(key(op.instanceId), op);
  }

  /** The next number of the harness-wide sequence. */
  long next() {
    return sequence.incrementAndGet();
  }

  /** Virtual ms since the run began. */
  long nowMs() {
    return clock.millis() - t0Millis;
  }

  /** A DescribeDBInstances naming {@code ids} is about to be sent, numbered {@code seq}. */
  void describeSent(Collection<String> ids, long seq) {
    for (String id : ids) {
      FleetOperation op = operations.get(key(id));
      if (op == null) {
        continue;
      }
      long pollStart = op.pollStartSeq;
      if (pollStart == 0 || pollStart > seq) {
        describesOutsideAPoll.increment();
      } else {
        op.describesInPoll.incrementAndGet();
      }
    }
    int size = Math.min(ids.size(), 100);
    batchSizes.incrementAndGet(size);
  }

  /** A call reached the fake and returned or threw ({@code outcome}: the error code, or null). */
  void callDone(String operation, Collection<String> ids, boolean describe, boolean wasThrottled, String outcome,
      long latencyNanos) {
    calls.increment();
    byOperation.computeIfAbsent(operation, k -> new LongAdder()).increment();
    int second = (int) Math.min(callsPerSecond.length() - 1, Math.max(0, nowMs() / 1000));
    callsPerSecond.incrementAndGet(second);
    if (describe) {
      describes.increment();
      describedIds.add(ids.size());
      describesPerSecond.incrementAndGet(second);
    }
    if (wasThrottled) {
      throttled.increment();
    }
    if (!describe && ids.size() == 1) {
      FleetOperation op = operations.get(key(ids.iterator().next()));
      if (op != null && op.pollStartSeq != 0) {
        op.trace(nowMs(), "  " + operation + (outcome == null ? "" : " -> " + outcome), false);
      }
    }
    if (latencyNanos > 0) {
      for (String id : ids) {
        FleetOperation op = operations.get(key(id));
        if (op != null && op.pollStartSeq != 0) {
          op.pollCallLatencyNanos.addAndGet(latencyNanos);
        }
      }
    }
  }

  /** A call of the broker's client was refused by its engine's budget before it was sent. */
  void clientCallRefused() {
    refusedByBudget.increment();
  }

  /** For the fake's per-call listener: the simulated latency of the call this thread is making. */
  static void latencyOfCurrentCall(long nanos) {
    CALL_STATE.get()[1] = nanos;
  }

  /** Clears and returns this thread's last call latency. */
  static long takeLatencyOfCurrentCall() {
    long[] s = CALL_STATE.get();
    long l = s[1];
    s[1] = 0;
    return l;
  }

  /** CPU ns this thread has spent inside the fake so far. */
  static long cpuInFake() {
    return CALL_STATE.get()[0];
  }

  static void addCpuInFake(long nanos) {
    CALL_STATE.get()[0] += nanos;
  }

  /** This thread's CPU time, ns. */
  static long threadCpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  long calls() {
    return calls.sum();
  }

  long describes() {
    return describes.sum();
  }

  long describedIds() {
    return describedIds.sum();
  }

  long throttled() {
    return throttled.sum();
  }

  long describesOutsideAPoll() {
    return describesOutsideAPoll.sum();
  }

  long refusedByBudget() {
    return refusedByBudget.sum();
  }

  Map<String, Long> callsByOperation() {
    Map<String, Long> m = new java.util.TreeMap<>();
    byOperation.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  long[] batchSizes() {
    long[] a = new long[batchSizes.length()];
    for (int i = 0; i < a.length; i++) {
      a[i] = batchSizes.get(i);
    }
    return a;
  }

  int[] callsPerSecond(int seconds) {
    return copy(callsPerSecond, seconds);
  }

  int[] describesPerSecond(int seconds) {
    return copy(describesPerSecond, seconds);
  }

  private static int[] copy(AtomicIntegerArray a, int seconds) {
    int n = Math.min(a.length(), seconds + 1);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = a.get(i);
    }
    return out;
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }
}
