package io.rdstagflow.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Polls started together on a pool, as a fleet's requests arrive: for the coalescing and budget tests. */
final class Concurrently {

  private Concurrently() {
  }

  /** Runs {@code poll(0)} to {@code poll(n - 1)} on {@code pool}, all released at once; their answers in order. */
  static List<OperationStatus> poll(ExecutorService pool, int n, IntFunction<OperationStatus> poll) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<OperationStatus>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      futures.add(pool.submit(() -> {
        go.await();
        return poll.apply(k);
      }));
    }
    go.countDown();
    List<OperationStatus> answers = new ArrayList<>();
    for (Future<OperationStatus> f : futures) {
      answers.add(f.get(30, TimeUnit.SECONDS));
    }
    return answers;
  }
}
