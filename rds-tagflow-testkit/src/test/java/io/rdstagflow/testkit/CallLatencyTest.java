package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** The simulated latency of each call, the call listener and a call log that keeps the latest calls. */
class CallLatencyTest {

  private static FakeRds fake(long seed, LatencyModel model) {
    FakeRds rds = FakeRds.builder().seed(seed).latency(model).build();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    return rds;
  }

  private static void someCalls(FakeRds rds, int rounds) {
    for (int n = 0; n < rounds; n++) {
      rds.describeDBInstances(d -> d.dbInstanceIdentifier("db1"));
      String v = Integer.toString(n);
      rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1")).tags(Tag.builder().key("k").value(v).build()));
    }
  }

  private static List<Duration> latencies(FakeRds rds) {
    return rds.calls().all().stream().map(RecordedCall::latency).toList();
  }

  @Test
  void eachCallCarriesALatencyDrawnFromTheSeededModelAndNothingSleeps() {
    FakeRds rds = fake(7, LatencyModel.rdsLike());
    Duration clockBefore = Duration.between(VirtualClock.DEFAULT_START, rds.clock().instant());
    someCalls(rds, 50);

    assertThat(latencies(rds)).hasSize(100).allSatisfy(d -> assertThat(d).isPositive());
    assertThat(latencies(rds)).doesNotHaveDuplicates();
    assertThat(Duration.between(VirtualClock.DEFAULT_START, rds.clock().instant())).isEqualTo(clockBefore);

    FakeRds again = fake(7, LatencyModel.rdsLike());
    someCalls(again, 50);
    assertThat(latencies(again)).isEqualTo(latencies(rds));

    FakeRds other = fake(8, LatencyModel.rdsLike());
    someCalls(other, 50);
    assertThat(latencies(other)).isNotEqualTo(latencies(rds));
  }

  @Test
  void rdsLikeWritesAreSlowerThanReadsAndTheTailIsLong() {
    FakeRds rds = fake(1, LatencyModel.rdsLike());
    someCalls(rds, 2000);
    List<Long> reads = millis(rds, "DescribeDBInstances");
    List<Long> writes = millis(rds, "AddTagsToResource");

    assertThat(percentile(reads, 50)).isBetween(40L, 60L);
    assertThat(percentile(writes, 50)).isBetween(160L, 240L);
    assertThat(percentile(reads, 99)).isGreaterThan(3 * percentile(reads, 50));
    assertThat(percentile(writes, 99)).isGreaterThan(3 * percentile(writes, 50));
  }

  private static List<Long> millis(FakeRds rds, String operation) {
    List<Long> ms = new ArrayList<>(rds.calls().all().stream().filter(c -> c.operation().equals(operation))
        .map(c -> c.latency().toMillis()).toList());
    Collections.sort(ms);
    return ms;
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  @Test
  void withoutAModelCallsTakeNoTimeAndThePrintedLogIsUnchanged() {
    FakeRds rds = FakeRds.create();
    rds.describeDBInstances(d -> { });
    assertThat(rds.calls().all()).singleElement().satisfies(c -> {
      assertThat(c.latency()).isZero();
      assertThat(c.toString()).doesNotContain(" ms");
    });
    FakeRds slow = fake(0, LatencyModel.constant(Duration.ofMillis(80)));
    slow.describeDBInstances(d -> { });
    assertThat(slow.calls().all()).singleElement().satisfies(c -> {
      assertThat(c.latency()).isEqualTo(Duration.ofMillis(80));
      assertThat(c.toString()).contains("-> ok in 80 ms");
    });
  }

  @Test
  void throttledAndFailedCallsHaveALatencyAndRefusedOnesNone() {
    FakeRds rds = FakeRds.builder().latency(LatencyModel.constant(Duration.ofMillis(30)))
        .accountRateLimit(0, 1).build();
    rds.describeDBInstances(d -> { });
    assertThatThrownBy(() -> rds.describeDBInstances(d -> { })).isInstanceOf(RdsException.class);
    assertThatThrownBy(() -> rds.describeDBClusters(d -> { })).isInstanceOf(UnsupportedByFakeRdsException.class);
    assertThat(latencies(rds)).containsExactly(Duration.ofMillis(30), Duration.ofMillis(30), Duration.ZERO);
  }

  @Test
  void aModelThatAnswersANegativeLatencyIsABugInTheTest() {
    FakeRds rds = FakeRds.builder().latency((op, random) -> Duration.ofMillis(-1)).build();
    assertThatThrownBy(() -> rds.describeDBInstances(d -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("latency model");
    assertThatThrownBy(() -> LatencyModel.constant(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyModel.logNormal(Duration.ofMillis(1), Duration.ofMillis(1), -0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theListenerHearsEveryCallOnTheCallingThreadBeforeTheCallReturnsOrThrows() {
    List<RecordedCall> heard = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    FakeRds rds = FakeRds.builder().latency(LatencyModel.rdsLike()).onEachCall(c -> {
      heard.add(c);
      threads.add(Thread.currentThread());
    }).build();

    rds.describeDBInstances(d -> { });
    assertThat(heard).hasSize(1);
    assertThatThrownBy(() -> rds.describeDBInstances(d -> d.dbInstanceIdentifier("nosuch")))
        .isInstanceOf(RdsException.class);
    assertThat(heard).hasSize(2);
    assertThatThrownBy(() -> rds.describeDBClusters(d -> { })).isInstanceOf(UnsupportedByFakeRdsException.class);

    assertThat(heard).containsExactlyElementsOf(rds.calls().all());
    assertThat(threads).containsOnly(Thread.currentThread());
  }

  @Test
  void aListenerMayCallTheFakeItself() {
    List<Integer> sizes = new ArrayList<>();
    FakeRds[] holder = new FakeRds[1];
    holder[0] = FakeRds.builder().onEachCall(c -> sizes.add(holder[0].calls().all().size())).build();
    holder[0].describeDBInstances(d -> { });
    holder[0].describeDBInstances(d -> { });
    assertThat(sizes).containsExactly(1, 2);
  }

  @Test
  void aCappedCallLogKeepsTheLatestCallsAndSequenceNumbersCountThemAll() {
    FakeRds rds = FakeRds.builder().callLogCapacity(10).build();
    CallLog.Mark start = rds.calls().mark();
    for (int n = 0; n < 95; n++) {
      rds.describeDBInstances(d -> { });
    }
    CallLog.Mark late = rds.calls().mark();
    for (int n = 0; n < 3; n++) {
      rds.describeDBInstances(d -> { });
    }

    assertThat(rds.calls().all()).extracting(RecordedCall::sequence)
        .containsExactly(89L, 90L, 91L, 92L, 93L, 94L, 95L, 96L, 97L, 98L);
    assertThat(rds.calls().since(late)).extracting(RecordedCall::sequence).containsExactly(96L, 97L, 98L);
    assertThat(rds.calls().since(start)).hasSize(10);
    assertThat(late.afterSequence()).isEqualTo(95);
    assertThat(rds.accountBudget().admittedCalls()).isEqualTo(98);
    assertThatThrownBy(() -> FakeRds.builder().callLogCapacity(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
