package io.rdstagflow.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tick ends while a poll pauses; a later tick wakes it. */
class TickBarrierTest {

  private final AtomicLong now = new AtomicLong();
  private final TickBarrier barrier = new TickBarrier(now::get);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Semaphore permits = new Semaphore(1, true);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void aPausedTaskLetsTheTickEndAndIsWokenWhenTheClockReachesItsTime() throws Exception {
    AtomicBoolean finished = new AtomicBoolean();
    barrier.submit(threads, permits, () -> {
      try {
        barrier.sleeper().sleep(Duration.ofMillis(200));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      finished.set(true);
    });

    barrier.awaitQuiet(); // returns although the task has not finished: it sleeps
    assertThat(finished).isFalse();
    assertThat(permits.availablePermits()).as("a sleeping task gives its permit up").isEqualTo(1);
    assertThat(barrier.nextWakeUp()).isEqualTo(200);

    now.set(100);
    barrier.wake(100);
    barrier.awaitQuiet();
    assertThat(finished).isFalse();

    now.set(1000);
    barrier.wake(1000);
    barrier.awaitQuiet(); // the woken task counts as active until it finishes
    assertThat(finished).isTrue();
    assertThat(barrier.nextWakeUp()).isEqualTo(Long.MAX_VALUE);
    assertThat(barrier.pauses()).isEqualTo(1);
    assertThat(permits.availablePermits()).isEqualTo(1);
  }
}
