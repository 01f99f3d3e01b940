package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * When each instance next has something to settle: a phase that begins, the end of its phases,
 * the end of its activity, a failure that falls due. Bringing the fake up to the clock then costs
 * the instances whose next event has passed, not a walk over every instance, so a fake with
 * 50,000 instances answers each call as fast as one with ten.
 *
 * <p>Settling an instance before its next event changes nothing (its status is derived from the
 * clock), so it is enough to settle each instance once its next event is due. An entry that an
 * instance's later activity superseded stays in the queue and is skipped when it comes up.
 * Guarded by the simulation's lock.
 */
final class Agenda {

  private record Entry(Instant due, long order, SimInstance instance) {}

  private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> {
    int c = a.due().compareTo(b.due());
    return c != 0 ? c : Long.compare(a.order(), b.order());
  });
  private final Map<SimInstance, Entry> scheduled = new IdentityHashMap<>();
  private long order;

  /**
   * Notes {@code i}'s next event after {@code now}; call after every change to its activity or
   * failure, once {@code i} is settled to {@code now}.
   */
  void schedule(SimInstance i, Instant now) {
    Instant due = nextEvent(i, now);
    Entry current = scheduled.get(i);
    if (current != null && current.due().equals(due)) {
      return;
    }
    if (due == null) {
      scheduled.remove(i);
      return;
    }
    Entry e = new Entry(due, ++order, i);
    scheduled.put(i, e);
    queue.add(e);
  }

  /**
   * Settles, to {@code now}, every instance whose next event is not after {@code now}, hands
   * each to {@code settled} (which retires the deleted), then schedules its next event.
   */
  void settleDue(Instant now, Consumer<SimInstance> settled) {
    while (!queue.isEmpty() && !queue.peek().due().isAfter(now)) {
      Entry e = queue.poll();
      if (scheduled.get(e.instance()) != e) {
        continue;
      }
      scheduled.remove(e.instance());
      e.instance().settle(now);
      settled.accept(e.instance());
      schedule(e.instance(), now);
    }
  }

  /** How many instances have an event ahead; for tests of the fake itself. */
  int size() {
    return scheduled.size();
  }

  /**
   * The first instant after {@code now} at which {@link SimInstance#settle} would record or
   * change something, or {@code null} when nothing is ahead. {@code i} is settled to
   * {@code now}, so every event up to {@code now} has been taken into account.
   */
  static Instant nextEvent(SimInstance i, Instant now) {
    if (i.gone) {
      return null;
    }
    Instant due = null;
    if (i.failure != null && !i.failureRecorded) {
      due = i.failure.at();
    }
    Activity a = i.activity;
    if (a != null) {
      if (a.phasesRecorded < a.phases.size()) {
        due = earlier(due, a.phaseStart(a.phasesRecorded));
      }
      Instant phasesEnd = a.phasesEnd();
      if (phasesEnd.isAfter(now)) {
        due = earlier(due, phasesEnd);
      }
      due = earlier(due, a.end());
    }
    return due;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
