package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.core.OperationStatus;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One restore of the fleet as the platform tracks it: its instance, the OSB {@code operation} the
 * broker returned, when it is next polled, and what the harness learned of it.
 *
 * <p>The scheduler thread owns the plain fields between ticks; a poll's thread owns them while the
 * poll runs (the scheduler waits for it, which orders the two). The atomic fields are also written
 * by the RDS client of whichever thread sends a describe naming this instance (a batch's leader).
 */
final class FleetOperation {

  final int index;
  final String instanceId;

  /** The OSB operation the broker answered the restore request with; null until started. */
  String operation;
  /** Virtual ms (since the run began) when the platform asked for the restore, once it was accepted. */
  long startedAtMs = -1;
  /** Virtual ms the restore request was first due (a refused request is asked again later). */
  long firstAskedAtMs = -1;
  /** Virtual ms the next poll is due. */
  long dueMs;
  int polls;
  int budgetWaits;
  int workWaits;
  int transientAnswers;
  int pollErrors;
  int startRefusals;
  long succeededAtMs = -1;
  long failedAtMs = -1;
  OperationStatus last;
  String failure;

  /**
   * The harness's sequence number at the start of the poll in progress, 0 when none is: the
   * client checks every describe naming this instance against it.
   */
  volatile long pollStartSeq;
  /** Describes naming this instance sent while the current poll was in progress. */
  final AtomicInteger describesInPoll = new AtomicInteger();
  /** Simulated RDS latency of the calls made for the current poll, nanoseconds. */
  final AtomicLong pollCallLatencyNanos = new AtomicLong();

  /** The last things that happened to this operation, for the report of a failure. */
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private int waitStreak;
  private long waitStreakSinceMs;

  FleetOperation(int index, String instanceId) {
    this.index = index;
    this.instanceId = instanceId;
  }

  /**
   * Notes an event at virtual {@code atMs}; consecutive budget waits are folded into one line. Only
   * the thread that owns the operation (its poll's, or the scheduler's between ticks) calls this.
   */
  void trace(long atMs, String event, boolean budgetWait) {
    if (budgetWait) {
      if (waitStreak++ == 0) {
        waitStreakSinceMs = atMs;
      }
      return;
    }
    if (waitStreak > 0) {
      add(waitStreakSinceMs, waitStreak + " polls waited for the budget (until " + FleetReport.hms(atMs / 1000.0)
          + ")");
      waitStreak = 0;
    }
    add(atMs, event);
  }

  private void add(long atMs, String event) {
    if (trace.size() == 60) {
      trace.removeFirst();
    }
    trace.addLast(String.format(Locale.ROOT, "%s %s", FleetReport.hms(atMs / 1000.0), event));
  }

  /** The trace, oldest first, with a pending streak of budget waits. */
  String renderTrace() {
    StringBuilder b = new StringBuilder();
    for (String line : trace) {
      b.append("      ").append(line).append('\n');
    }
    if (waitStreak > 0) {
      b.append("      ").append(FleetReport.hms(waitStreakSinceMs / 1000.0)).append(' ').append(waitStreak)
          .append(" polls waited for the budget\n");
    }
    return b.toString();
  }

  boolean started() {
    return operation != null;
  }

  boolean ended() {
    return succeededAtMs >= 0 || failedAtMs >= 0;
  }
}
