package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.Tag;

class ConcurrentPollersTest {

  @Test
  void severalThreadsSharingOneFakeLoseNoCallAndNoTag() throws Exception {
    FakeRds rds = FakeRds.create();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    int threads = 4;
    int rounds = 200;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int n = 0; n < rounds; n++) {
            rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1"));
            // Each thread overwrites its own key: the last value per key must survive.
            String value = Integer.toString(n);
            rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1"))
                .tags(Tag.builder().key("poller" + me).value(value).build()));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(rds.calls().count("DescribeDBInstances")).isEqualTo((long) threads * rounds);
    assertThat(rds.calls().count("AddTagsToResource")).isEqualTo((long) threads * rounds);
    assertThat(rds.calls().all()).extracting(RecordedCall::sequence)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 2L * threads * rounds).boxed().toList());
    assertThat(rds.listTagsForResource(r -> r.resourceName(rds.instanceArn("db1"))).tagList())
        .hasSize(threads).allSatisfy(tag -> assertThat(tag.value()).isEqualTo(Integer.toString(rounds - 1)));
  }
}
