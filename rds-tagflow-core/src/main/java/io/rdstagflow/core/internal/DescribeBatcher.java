package io.rdstagflow.core.internal;

import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.spi.RdsGateway;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Coalesces the describes of polls that arrive within a window into one
 * {@link RdsGateway#describeAll} of up to 100 instances. Batching, never caching: a request only
 * ever joins a batch that has not been sent yet, so every poll decides on a describe sent after it
 * began. The first request of a batch leads it: it waits out the window (or until the batch is
 * full), sends the call on its own thread, and hands each waiting poll its own instance.
 *
 * <p>The window is real time (it is how long a poll waits for company), not the engine's clock.
 */
final class DescribeBatcher {

  private final Duration window;
  private final Function<Set<String>, List<RdsInstance>> send;
  private final Object lock = new Object();
  private Batch open;

  /** {@code send} makes the call (charged and classified by the caller) for a batch's identifiers. */
  DescribeBatcher(Duration window, Function<Set<String>, List<RdsInstance>> send) {
    this.window = window;
    this.send = send;
  }

  /**
   * This instance as the batch it joined describes it, or empty if the batch's answer does not list
   * it.
   *
   * @throws RuntimeException what the batch's call threw, for every poll in it
   */
  Optional<RdsInstance> describe(String instanceId) {
    Batch batch;
    boolean leader = false;
    synchronized (lock) {
      if (open == null) {
        open = new Batch(System.nanoTime() + window.toNanos());
        leader = true;
      }
      batch = open;
      batch.ids.add(instanceId);
      if (batch.ids.size() >= RdsGateway.MAX_BATCH) {
        open = null;
        lock.notifyAll();
      }
    }
    if (leader) {
      lead(batch);
    }
    return batch.answer(instanceId);
  }

  private void lead(Batch batch) {
    synchronized (lock) {
      boolean interrupted = false;
      for (long left = batch.sendAt - System.nanoTime(); open == batch && left > 0;
          left = batch.sendAt - System.nanoTime()) {
        try {
          lock.wait(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
      if (open == batch) {
        open = null;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Map<String, RdsInstance> byId = new HashMap<>();
      for (RdsInstance instance : send.apply(Set.copyOf(batch.ids))) {
        byId.put(key(instance.id()), instance);
      }
      batch.result.complete(byId);
    } catch (RuntimeException e) {
      batch.result.completeExceptionally(e);
    }
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }

  /** Requests gathered for one call. Guarded by the batcher's lock until it is sent. */
  private static final class Batch {
    final long sendAt;
    final Set<String> ids = new LinkedHashSet<>();
    final CompletableFuture<Map<String, RdsInstance>> result = new CompletableFuture<>();

    Batch(long sendAt) {
      this.sendAt = sendAt;
    }

    Optional<RdsInstance> answer(String instanceId) {
      Map<String, RdsInstance> byId;
      boolean interrupted = false;
      while (true) {
        try {
          byId = result.get();
          break;
        } catch (InterruptedException e) {
          // The leader always completes the batch; keep waiting, and keep the interrupt for after.
          interrupted = true;
        } catch (ExecutionException e) {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return Optional.ofNullable(byId.get(key(instanceId)));
    }
  }
}
