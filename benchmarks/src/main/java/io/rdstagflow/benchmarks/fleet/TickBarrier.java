package io.rdstagflow.benchmarks.fleet;

import io.rdstagflow.core.Sleeper;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * What lets the virtual clock stand still during a tick and yet let a poll pause in virtual time:
 * the scheduler waits until every task of the tick has either finished or gone to sleep, and a
 * sleeping task is woken by a later tick whose instant has reached its wake-up time.
 *
 * <p>The engine pauses a poll between retries of a tag write that records an accepted action
 * (200 ms, then twice as long each time); on a real clock the account's bucket refills meanwhile.
 * Here a task that calls {@link #sleeper()}'s {@code sleep} stops counting as active, so the tick
 * can end; the clock moves on; the tick at or after its wake-up time wakes it, and it counts as
 * active again until it finishes or sleeps once more. A pause therefore lasts at least one tick.
 *
 * <p>A replica serves at most as many requests at once as it has request threads: a task holds one
 * of its replica's permits while it runs (taken in the order the tasks were submitted, so a tick's
 * polls are served in the order they came due), and gives it up while it sleeps, so that paused
 * polls never hold up the tick's others. Thread-safe.
 */
final class TickBarrier {

  private record Sleeping(long wakeAtMs, long order, CountDownLatch latch) {}

  /** The permit the task running on this thread holds, if any. */
  private static final ThreadLocal<Semaphore> PERMIT = new ThreadLocal<>();

  private final Object lock = new Object();
  private final LongSupplier nowMs;
  private final PriorityQueue<Sleeping> sleeping = new PriorityQueue<>((a, b) -> a.wakeAtMs != b.wakeAtMs
      ? Long.compare(a.wakeAtMs, b.wakeAtMs) : Long.compare(a.order, b.order));
  private long order;
  private int active;
  private long pauses;

  /** A barrier on a clock read as virtual ms since the run began. */
  TickBarrier(LongSupplier nowMs) {
    this.nowMs = nowMs;
  }

  /**
   * Runs {@code task} on {@code executor} once it has one of {@code permits} (a fair semaphore),
   * counted as active until it finishes. The caller waits for the permit, so a tick's requests
   * start in the order they were submitted and a replica never has more threads than permits plus
   * sleeping tasks (a thread per waiting request made a big tick spend its time switching threads).
   */
  void submit(Executor executor, Semaphore permits, Runnable task) {
    synchronized (lock) {
      active++;
    }
    permits.acquireUninterruptibly();
    executor.execute(() -> {
      try {
        PERMIT.set(permits);
        try {
          task.run();
        } finally {
          PERMIT.remove();
          permits.release();
        }
      } finally {
        synchronized (lock) {
          active--;
          lock.notifyAll();
        }
      }
    });
  }

  /** The engines' sleeper: pauses the calling task in virtual time. */
  Sleeper sleeper() {
    return this::sleep;
  }

  private void sleep(Duration d) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    // The permit goes back before the task stops counting as active, so a tick that ends because
    // this task sleeps finds its permit free.
    Semaphore permit = PERMIT.get();
    if (permit != null) {
      permit.release();
    }
    synchronized (lock) {
      sleeping.add(new Sleeping(nowMs.getAsLong() + Math.max(1, d.toMillis()), order++, latch));
      pauses++;
      active--;
      lock.notifyAll();
    }
    try {
      latch.await(); // the waker counted this task as active again
    } finally {
      if (permit != null) {
        permit.acquireUninterruptibly();
      }
    }
  }

  /** Wakes every task whose wake-up time is at or before {@code atMs}. */
  void wake(long atMs) {
    synchronized (lock) {
      while (!sleeping.isEmpty() && sleeping.peek().wakeAtMs <= atMs) {
        active++;
        sleeping.poll().latch.countDown();
      }
    }
  }

  /** Wakes every sleeping task, whatever its time (the run is over). */
  void wakeAll() {
    wake(Long.MAX_VALUE);
  }

  /** The earliest wake-up time, or {@link Long#MAX_VALUE} if no task sleeps. */
  long nextWakeUp() {
    synchronized (lock) {
      return sleeping.isEmpty() ? Long.MAX_VALUE : sleeping.peek().wakeAtMs;
    }
  }

  /** Waits until no task is active: each has finished or sleeps. */
  void awaitQuiet() {
    synchronized (lock) {
      while (active > 0) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a tick's requests", e);
        }
      }
    }
  }

  /** How many pauses the engines asked for. */
  long pauses() {
    synchronized (lock) {
      return pauses;
    }
  }
}
