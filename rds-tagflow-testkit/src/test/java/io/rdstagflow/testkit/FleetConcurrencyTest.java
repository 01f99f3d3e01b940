package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/** Threads of a fleet harness sharing one fake: batch describes, tag writes, restores, all at once. */
class FleetConcurrencyTest {

  private static void runAll(List<Callable<Void>> tasks) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (Callable<Void> t : tasks) {
        done.add(pool.submit(() -> {
          go.await();
          return t.call();
        }));
      }
      go.countDown();
      for (Future<Void> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void threadsHammeringBatchDescribesAndTagWritesOnManyInstancesLoseNoUpdate() throws Exception {
    VirtualClock clock = VirtualClock.create();
    AtomicLong heard = new AtomicLong();
    FakeRds rds = FakeRds.builder().clock(clock).latency(LatencyModel.rdsLike())
        .onEachCall(c -> heard.incrementAndGet()).build();
    List<String> fleet = rds.givenInstances("fleet-", 2000, t -> t.dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    int writers = 4;
    int rounds = 300;
    Map<String, Integer> batchSizes = new ConcurrentHashMap<>();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int me = w;
      tasks.add(() -> {
        for (int n = 0; n < rounds; n++) {
          // Each writer owns a key; every instance it touches must end with its last value.
          String id = fleet.get((me * 500 + n * 7) % fleet.size());
          String value = Integer.toString(n);
          rds.addTagsToResource(r -> r.resourceName(rds.instanceArn(id))
              .tags(Tag.builder().key("writer" + me).value(value).build()));
        }
        return null;
      });
    }
    for (int d = 0; d < 2; d++) {
      int me = d;
      tasks.add(() -> {
        for (int n = 0; n < rounds; n++) {
          int from = (me * 1000 + n * 100) % fleet.size();
          List<String> batch = fleet.subList(from, Math.min(fleet.size(), from + 100));
          int shown = rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-instance-id")
              .values(batch).build())).dbInstances().size();
          batchSizes.merge(shown + "/" + batch.size(), 1, Integer::sum);
        }
        return null;
      });
    }
    tasks.add(() -> {
      for (int n = 0; n < 100; n++) {
        String id = "restored-" + n;
        rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier(id).dbSnapshotIdentifier("snap"));
        clock.advance(Duration.ofSeconds(10));
      }
      return null;
    });

    runAll(tasks);

    long expectedCalls = (long) writers * rounds + 2L * rounds + 100;
    assertThat(rds.calls().all()).extracting(RecordedCall::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, expectedCalls).boxed().toList());
    assertThat(rds.calls().all()).noneMatch(RecordedCall::threw);
    assertThat(heard.get()).isEqualTo(expectedCalls);
    assertThat(batchSizes.keySet()).allSatisfy(k -> assertThat(k.split("/")[0]).isEqualTo(k.split("/")[1]));

    Map<String, Map<String, String>> tags = new java.util.HashMap<>();
    for (DBInstance d : rds.describeDBInstancesPaginator(r -> { }).dbInstances()) {
      tags.put(d.dbInstanceIdentifier(), d.tagList().stream().collect(Collectors.toMap(Tag::key, Tag::value)));
    }
    for (int w = 0; w < writers; w++) {
      Map<String, String> lastValue = new java.util.HashMap<>();
      for (int n = 0; n < rounds; n++) {
        lastValue.put(fleet.get((w * 500 + n * 7) % fleet.size()), Integer.toString(n));
      }
      int me = w;
      lastValue.forEach((id, v) -> assertThat(tags.get(id)).containsEntry("writer" + me, v));
      long touched = tags.values().stream().filter(t -> t.containsKey("writer" + me)).count();
      assertThat(touched).isEqualTo(lastValue.size());
    }
    assertThat(tags).hasSize(2100);
    clock.advance(Duration.ofHours(2));
    assertThat(rds.describeDBInstancesPaginator(r -> r.filters(Filter.builder().name("engine").values("postgres")
        .build())).dbInstances()).hasSize(2100).allSatisfy(d -> assertThat(d.dbInstanceStatus()).isEqualTo("available"));
  }

  private static List<DBInstance> describe(FakeRds rds, List<String> batch) {
    return rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-instance-id").values(batch).build()))
        .dbInstances();
  }

  @Test
  void fiftyThousandInstancesAnswerBatchesOfOneHundredWithTheirOwnLifecycles() {
    VirtualClock clock = VirtualClock.create();
    FakeRds rds = FakeRds.builder().clock(clock).creatingSpread(0.5).accountRateLimit(12, 300)
        .callLogCapacity(1000).build();
    List<String> fleet = rds.givenInstances("fleet-", 50_000, t -> t.dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    List<String> restored = new ArrayList<>();
    for (int n = 0; n < 2000; n++) {
      String id = "restore-" + n;
      rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier(id).dbSnapshotIdentifier("snap"));
      restored.add(id);
      clock.advance(Duration.ofMillis(100));
    }
    // Batches of 100 while the restores run, one every ten seconds for an hour...
    List<String> all = new ArrayList<>(fleet);
    all.addAll(restored);
    java.util.Set<String> seenCreating = new java.util.HashSet<>();
    for (int tick = 0; tick < 360; tick++) {
      clock.advance(Duration.ofSeconds(10));
      int from = 50_000 + (tick % 20) * 100;
      List<DBInstance> shown = describe(rds, all.subList(from, from + 100));
      assertThat(shown).hasSize(100);
      shown.stream().filter(d -> d.dbInstanceStatus().equals("creating"))
          .forEach(d -> seenCreating.add(d.dbInstanceIdentifier()));
    }
    // ...then every instance once, in 520 batches ten a second: all available, none throttled.
    long available = 0;
    for (int from = 0; from < all.size(); from += 100) {
      clock.advance(Duration.ofMillis(100));
      available += describe(rds, all.subList(from, from + 100)).stream()
          .filter(d -> d.dbInstanceStatus().equals("available")).count();
    }
    assertThat(available).isEqualTo(52_000);
    assertThat(seenCreating).hasSizeBetween(1000, 2000);
    assertThat(rds.accountBudget().admittedCalls()).isEqualTo(2000 + 360 + 520);
    assertThat(rds.accountBudget().throttledCalls()).isZero();
    assertThat(rds.calls().all()).hasSize(1000);
  }
}
