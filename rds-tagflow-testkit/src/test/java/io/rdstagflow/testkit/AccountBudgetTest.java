package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** The account's token bucket: RDS's throttling when it runs dry, recovery on the virtual clock. */
class AccountBudgetTest {

  private final VirtualClock clock = VirtualClock.create();
  private final FakeRds rds = FakeRds.builder().clock(clock).accountRateLimit(12, 300).build();

  private boolean describeSucceeds() {
    try {
      rds.describeDBInstances(d -> d.maxRecords(20));
      return true;
    } catch (RdsException e) {
      assertThat(e.isThrottlingException()).isTrue();
      return false;
    }
  }

  private long admittedOf(int calls) {
    long ok = 0;
    for (int n = 0; n < calls; n++) {
      ok += describeSucceeds() ? 1 : 0;
    }
    return ok;
  }

  @Test
  void theBurstIsAdmittedThenEveryCallFailsWithRdsThrottlingError() {
    assertThat(admittedOf(300)).isEqualTo(300);

    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.describeDBInstances(d -> { }));

    assertThat(e).isInstanceOf(AwsServiceException.class);
    assertThat(e.isThrottlingException()).isTrue();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
    assertThat(e.awsErrorDetails().serviceName()).isEqualTo("Rds");
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().sdkHttpResponse().statusCode()).isEqualTo(400);
    assertThat(e.requestId()).isNotBlank();
    assertThat(rds.accountBudget().admittedCalls()).isEqualTo(300);
    assertThat(rds.accountBudget().throttledCalls()).isEqualTo(1);
    assertThat(rds.calls().all()).hasSize(301).last()
        .satisfies(c -> assertThat(c.errorCode()).contains("Throttling"));
  }

  @Test
  void theBucketRefillsAtTheRateAsTheVirtualClockAdvancesAndNeverBeyondTheBurst() {
    admittedOf(300);
    assertThat(admittedOf(5)).isZero();

    clock.advance(Duration.ofSeconds(1));
    assertThat(admittedOf(20)).isEqualTo(12);

    clock.advance(Duration.ofMillis(250));
    assertThat(admittedOf(5)).isEqualTo(3);

    clock.advance(Duration.ofHours(1));
    assertThat(rds.accountBudget().availableTokens()).isEqualTo(300.0);
    assertThat(admittedOf(400)).isEqualTo(300);
    assertThat(rds.accountBudget().throttledCalls()).isEqualTo(5 + 8 + 2 + 100);
  }

  @Test
  void aSustainedTwelveASecondIsAdmittedForeverAndThirteenIsNot() {
    admittedOf(300);
    long admitted = 0;
    for (int second = 0; second < 600; second++) {
      clock.advance(Duration.ofSeconds(1));
      admitted += admittedOf(13);
    }
    assertThat(admitted).isEqualTo(600 * 12);
  }

  @Test
  void aThrottledWriteChangesNothing() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres")
        .tags(Tag.builder().key("state").value("old").build()));
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    admittedOf(300);
    int historyBefore = rds.history("db1").orElseThrow().tags().size();

    assertThrottled(() -> rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1"))
        .tags(Tag.builder().key("state").value("new").build())));
    assertThrottled(() -> rds.removeTagsFromResource(r -> r.resourceName(rds.instanceArn("db1")).tagKeys("state")));
    assertThrottled(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(50)
        .applyImmediately(true)));
    assertThrottled(() -> rds.rebootDBInstance(r -> r.dbInstanceIdentifier("db1")));
    assertThrottled(() -> rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("db2")
        .dbSnapshotIdentifier("snap")));
    assertThrottled(() -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").skipFinalSnapshot(true)));

    clock.advance(Duration.ofSeconds(1));
    var db1 = rds.describeDBInstances(d -> d.dbInstanceIdentifier("db1")).dbInstances().get(0);
    assertThat(db1.dbInstanceStatus()).isEqualTo("available");
    assertThat(db1.allocatedStorage()).isEqualTo(20);
    assertThat(db1.pendingModifiedValues().allocatedStorage()).isNull();
    assertThat(db1.tagList()).containsExactly(Tag.builder().key("state").value("old").build());
    assertThat(rds.history("db1").orElseThrow().tags()).hasSize(historyBefore);
    assertThat(rds.history("db1").orElseThrow().statuses()).extracting(InstanceHistory.StatusChange::status)
        .containsExactly("available");
    assertThat(catchThrowableOfType(DbInstanceNotFoundException.class,
        () -> rds.describeDBInstances(d -> d.dbInstanceIdentifier("db2")))).isNotNull();
    assertThat(rds.accountBudget().throttledCalls()).isEqualTo(6);
  }

  private static void assertThrottled(Runnable call) {
    RdsException e = catchThrowableOfType(RdsException.class, call::run);
    assertThat(e).as("throttled").isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
  }

  @Test
  void injectedErrorsTakeATokenAndInjectedThrottlesAreNotCountedAsTheBudgets() {
    rds.faults().failNext("DescribeDBInstances", "InternalFailure").throttleNext(1);
    assertThat(describeOutcome()).isEqualTo("InternalFailure");
    assertThat(describeOutcome()).isEqualTo("Throttling");
    assertThat(rds.accountBudget().admittedCalls()).isEqualTo(2);
    assertThat(rds.accountBudget().throttledCalls()).isZero();
    assertThat(rds.accountBudget().availableTokens()).isEqualTo(298.0);
  }

  private String describeOutcome() {
    try {
      rds.describeDBInstances(d -> { });
      return "ok";
    } catch (RdsException e) {
      return e.awsErrorDetails().errorCode();
    }
  }

  @Test
  void callsTheFakeRefusesAsUnsupportedAndGivenResourcesTakeNoToken() {
    rds.givenInstances("db-", 10, t -> t.dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThatThrownBy(() -> rds.describeDBClusters(d -> { })).isInstanceOf(UnsupportedByFakeRdsException.class);
    assertThat(rds.accountBudget().admittedCalls()).isZero();
    assertThat(rds.accountBudget().availableTokens()).isEqualTo(300.0);
  }

  @Test
  void withoutALimitEveryCallIsAdmittedAndCounted() {
    FakeRds unlimited = FakeRds.create();
    for (int n = 0; n < 1000; n++) {
      unlimited.describeDBInstances(d -> { });
    }
    AccountBudget b = unlimited.accountBudget();
    assertThat(b.limited()).isFalse();
    assertThat(b.admittedCalls()).isEqualTo(1000);
    assertThat(b.throttledCalls()).isZero();
    assertThat(b.availableTokens()).isInfinite();
    assertThat(b.ratePerSecond()).isInfinite();
    assertThat(b.burst()).isEqualTo(Integer.MAX_VALUE);
    assertThat(rds.accountBudget().limited()).isTrue();
    assertThat(rds.accountBudget().ratePerSecond()).isEqualTo(12.0);
    assertThat(rds.accountBudget().burst()).isEqualTo(300);
  }

  @Test
  void aZeroRateBucketNeverRefills() {
    FakeRds dry = FakeRds.builder().clock(clock).accountRateLimit(0, 2).build();
    dry.describeDBInstances(d -> { });
    dry.describeDBInstances(d -> { });
    clock.advance(Duration.ofDays(1));
    assertThat(catchThrowableOfType(RdsException.class, () -> dry.describeDBInstances(d -> { }))
        .isThrottlingException()).isTrue();
  }

  @Test
  void theBuilderRefusesARateOrBurstThatMakesNoSense() {
    assertThatThrownBy(() -> FakeRds.builder().accountRateLimit(-1, 300)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeRds.builder().accountRateLimit(Double.NaN, 300))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeRds.builder().accountRateLimit(Double.POSITIVE_INFINITY, 300))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeRds.builder().accountRateLimit(12, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void threadsSharingTheFakeShareOneBucket() throws Exception {
    rds.givenInstances("db-", 50, t -> t.dbInstanceClass("db.t3.micro").engine("postgres"));
    int threads = 6;
    int callsEach = 200;
    AtomicLong ok = new AtomicLong();
    AtomicLong throttled = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int n = 0; n < callsEach; n++) {
            String id = "db-" + String.format("%02d", (me * 7 + n) % 50);
            try {
              if (n % 2 == 0) {
                rds.describeDBInstances(d -> d.dbInstanceIdentifier(id));
              } else {
                rds.addTagsToResource(r -> r.resourceName(rds.instanceArn(id))
                    .tags(Tag.builder().key("t" + me).value("v").build()));
              }
              ok.incrementAndGet();
            } catch (RdsException e) {
              assertThat(e.isThrottlingException()).isTrue();
              throttled.incrementAndGet();
            }
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

    // The clock stood still: exactly the burst was admitted, whoever called.
    assertThat(ok.get()).isEqualTo(300);
    assertThat(throttled.get()).isEqualTo(threads * callsEach - 300L);
    assertThat(rds.accountBudget().admittedCalls()).isEqualTo(300);
    assertThat(rds.accountBudget().throttledCalls()).isEqualTo(throttled.get());
    assertThat(rds.calls().all().stream().filter(c -> c.errorCode().isPresent()).count())
        .isEqualTo(throttled.get());
  }
}
