package io.rdstagflow.aws.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every execution of a step's action in one flow, in the order they happened, with the poll that
 * made it: an accepted ModifyDBInstance is an execution of {@code settings}, an accepted
 * RebootDBInstance of {@code reboot}, a bound-users run that answered {@code done} of
 * {@code users}. Calls RDS refused (the instance was busy) did nothing and are not executions.
 *
 * <p>The engine promises "at least once": a repeat is allowed, but each one must have a cause the
 * design names. {@link #explain} finds it.
 */
final class ExecutionJournal {

  static final List<String> STEPS = List.of("settings", "reboot", "users");

  /** Why an execution was repeated, strongest explanation first. */
  enum Cause {
    /** The process that executed it before died before recording it (design: at least once). */
    CRASH("crash before the record"),
    /** The tag write that would have recorded it failed transiently (poll-scenarios row 19). */
    UNRECORDED("record write failed"),
    /** The previous execution's own call took effect but answered with an error (a lost response). */
    LOST_ANSWER("answer lost (call took effect)"),
    /** Another poll was in flight at the same time (design: several brokers). */
    CONCURRENT("concurrent poller"),
    /**
     * Another poll, overlapping or on a stale describe, wrote tags after the execution was
     * recorded: its older view put the step back (tags have no compare-and-set).
     */
    STALE_WRITE("stale write over the record"),
    /** The poll's describe showed tags older than RDS held (describe lag). */
    STALE_READ("stale describe (lag)"),
    /** No cause found: an invariant violation. */
    UNEXPLAINED("UNEXPLAINED");

    final String label;

    Cause(String label) {
      this.label = label;
    }
  }

  /** One execution. {@code callIndex}: the poll's call count when it happened. */
  record Execution(String step, PollRecord poll, int callIndex, Instant at) {}

  /**
   * A repeated execution and why. {@code afterLeaseExpiry}: another owner's claim had to lapse
   * first. {@code seenRecorded}: the repeating poll's last describe before it acted already showed
   * the previous execution recorded in the tags (a repeat the engine had the facts to avoid).
   */
  record Repeat(Execution execution, Execution previous, Cause cause, boolean afterLeaseExpiry,
      boolean seenRecorded) {}

  private final List<Execution> executions = new ArrayList<>();
  /** Every poll of the flow, to find a concurrent poller's write over a recorded execution. */
  private List<PollRecord> polls = List.of();

  void polls(List<PollRecord> all) {
    this.polls = all;
  }

  void add(String step, PollRecord poll, int callIndex, Instant at) {
    executions.add(new Execution(step, poll, callIndex, at));
  }

  List<Execution> all() {
    return executions;
  }

  List<Execution> of(String step) {
    List<Execution> out = new ArrayList<>();
    for (Execution e : executions) {
      if (e.step().equals(step)) {
        out.add(e);
      }
    }
    return out;
  }

  Execution first(String step) {
    for (Execution e : executions) {
      if (e.step().equals(step)) {
        return e;
      }
    }
    return null;
  }

  /** Each execution after a step's first, with its cause. */
  List<Repeat> repeats(boolean claimOn) {
    List<Repeat> out = new ArrayList<>();
    for (String step : STEPS) {
      List<Execution> list = of(step);
      for (int n = 1; n < list.size(); n++) {
        Execution previous = list.get(n - 1);
        Execution repeat = list.get(n);
        Cause cause = explain(repeat, previous);
        if (cause == Cause.UNEXPLAINED && overwritten(previous, repeat.at())) {
          cause = Cause.STALE_WRITE;
        }
        boolean lease = claimOn && (cause == Cause.CRASH || cause == Cause.UNRECORDED)
            && !repeat.poll().owner.equals(previous.poll().owner);
        out.add(new Repeat(repeat, previous, cause, lease, seenRecorded(repeat, previous)));
      }
    }
    return out;
  }

  /**
   * {@code true} if a poll that overlapped the execution's poll wrote tags after the execution was
   * recorded, or a poll on a stale describe wrote tags between the execution and the repeat:
   * computed from an older view, that write can put the step back (tags have no compare-and-set),
   * so a later poll runs it again.
   */
  private boolean overwritten(Execution e, java.time.Instant before) {
    PollRecord q = e.poll();
    for (PollRecord other : polls) {
      if (other == q) {
        continue;
      }
      boolean staleView = other.overlaps(q);
      for (PollRecord.Call c : other.calls) {
        staleView |= c.staleView();
      }
      if (!staleView) {
        continue;
      }
      for (PollRecord.Call c : other.calls) {
        if (c.ok() && PollRecord.isTagWrite(c.operation()) && c.at().isAfter(e.at()) && c.at().isBefore(before)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code true} if the previous execution's record was written before the repeating poll last read the tags. */
  static boolean seenRecorded(Execution repeat, Execution previous) {
    PollRecord.Call lastRead = repeat.poll().describeBefore(repeat.callIndex());
    if (lastRead == null) {
      return false;
    }
    for (PollRecord.Call c : previous.poll().calls) {
      if (c.index() > previous.callIndex() && c.ok() && PollRecord.isTagWrite(c.operation())
          && c.at().isBefore(lastRead.at())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code repeat} happened although {@code previous} had already executed the step: the
   * previous one was never recorded (its process crashed, or its tag write failed), or the
   * repeating poll ran alongside it, or read tags older than RDS held.
   */
  static Cause explain(Execution repeat, Execution previous) {
    PollRecord q = previous.poll();
    PollRecord p = repeat.poll();
    if (p == q) {
      return Cause.UNEXPLAINED; // one poll never runs a step's action twice
    }
    for (PollRecord.Call c : q.calls) {
      if (c.index() == previous.callIndex() && !c.ok()) {
        return Cause.LOST_ANSWER;
      }
    }
    if (!q.recordedAfter(previous.callIndex())) {
      if (q.crashed) {
        return Cause.CRASH;
      }
      if (q.writeFailedAfter(previous.callIndex())) {
        return Cause.UNRECORDED;
      }
    }
    if (p.overlaps(q)) {
      return Cause.CONCURRENT;
    }
    PollRecord.Call describe = p.describeBefore(repeat.callIndex());
    if (describe != null && describe.staleView()) {
      return Cause.STALE_READ;
    }
    return Cause.UNEXPLAINED;
  }
}
