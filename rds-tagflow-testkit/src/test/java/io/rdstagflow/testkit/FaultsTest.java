package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbInstanceStateException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

class FaultsTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).seed(7).build();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
  }

  private DBInstance describe() {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0);
  }

  @Test
  void throttleNextFailsExactlyTheNextCallsWithAnSdkThrottlingException() {
    rds.faults().throttleNext(2);
    for (int n = 0; n < 2; n++) {
      RdsException e = catchThrowableOfType(RdsException.class, this::describe);
      assertThat(e.isThrottlingException()).isTrue();
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
      assertThat(e.statusCode()).isEqualTo(400);
    }
    assertThat(describe().dbInstanceStatus()).isEqualTo("available");
    assertThat(rds.calls().all()).extracting(c -> c.errorCode().orElse("ok"))
        .containsExactly("Throttling", "Throttling", "ok");
  }

  private static List<Boolean> throttlePattern(long seed) {
    FakeRds fake = FakeRds.builder().seed(seed).build();
    fake.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    fake.faults().throttleShare(0.5);
    List<Boolean> throttled = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      try {
        fake.describeDBInstances(r -> r.dbInstanceIdentifier("db1"));
        throttled.add(false);
      } catch (RdsException e) {
        throttled.add(e.isThrottlingException());
      }
    }
    return throttled;
  }

  @Test
  void throttleShareIsReproducibleForASeedAndDiffersBetweenSeeds() {
    List<Boolean> first = throttlePattern(42);
    assertThat(throttlePattern(42)).isEqualTo(first);
    assertThat(first).contains(true, false);
    assertThat(throttlePattern(43)).isNotEqualTo(first);
  }

  @Test
  void failNextFailsOnlyTheNextCallOfThatOperationWithTheModeledException() {
    rds.faults().failNext("ModifyDBInstance", "InvalidDBInstanceState");
    describe();
    InvalidDbInstanceStateException e = catchThrowableOfType(InvalidDbInstanceStateException.class,
        () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(50).applyImmediately(true)));
    assertThat(e.statusCode()).isEqualTo(400);
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(50).applyImmediately(true));
    assertThat(describe().dbInstanceStatus()).isEqualTo("modifying");
  }

  @Test
  void failNextCanGiveA5xx() {
    rds.faults().failNext("DescribeDBInstances", "InternalFailure")
        .failNext("DescribeDBInstances", "BadGateway", 502);
    assertThat(catchThrowableOfType(RdsException.class, this::describe).statusCode()).isEqualTo(500);
    RdsException e = catchThrowableOfType(RdsException.class, this::describe);
    assertThat(e.statusCode()).isEqualTo(502);
    assertThat(e.awsErrorDetails().sdkHttpResponse().statusCode()).isEqualTo(502);
    assertThat(describe()).isNotNull();
  }

  @Test
  void failNextRefusesAnOperationTheFakeDoesNotKnow() {
    assertThatThrownBy(() -> rds.faults().failNext("DescribeDbInstances", "Throttling"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DescribeDBInstances");
  }

  @Test
  void describeLagShowsTheInstanceAsBeforeTheLastWriteTagsIncluded() {
    rds.faults().describeLag(Duration.ofSeconds(30));
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("db1"))
        .tags(Tag.builder().key("a").value("1").build()));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(50).applyImmediately(true));

    DBInstance stale = describe();
    assertThat(stale.dbInstanceStatus()).isEqualTo("available");
    assertThat(stale.tagList()).extracting(Tag::key).containsExactly("a");
    assertThat(stale.pendingModifiedValues().allocatedStorage()).isNull();

    clock.advance(Duration.ofSeconds(30));
    assertThat(describe().dbInstanceStatus()).isEqualTo("modifying");
  }

  @Test
  void describeLagHidesANewInstanceForAWhile() {
    rds.faults().describeLag(Duration.ofSeconds(10));
    rds.createDBInstance(r -> r.dbInstanceIdentifier("db2").dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThatThrownBy(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("db2")))
        .isInstanceOf(DbInstanceNotFoundException.class);
    clock.advance(Duration.ofSeconds(10));
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("db2")).dbInstances()).hasSize(1);
  }

  @Test
  void failInstanceNowAbandonsTheActivityAndStays() {
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").allocatedStorage(50).applyImmediately(true));
    clock.advance(Duration.ofMinutes(1));
    rds.faults().failInstance("db1", "incompatible-restore");
    clock.advance(Duration.ofHours(1));
    assertThat(describe().dbInstanceStatus()).isEqualTo("incompatible-restore");
    assertThat(describe().allocatedStorage()).isEqualTo(20);
  }

  @Test
  void failInstanceAfterADelayFailsARestoreMidway() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("db2").dbSnapshotIdentifier("snap"));
    rds.faults().failInstanceAfter("db2", "failed", Duration.ofMinutes(4));
    clock.advance(Duration.ofMinutes(3));
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("db2")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("creating");
    clock.advance(Duration.ofMinutes(1));
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("db2")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("failed");
    assertThat(rds.history("db2").orElseThrow().statuses()).extracting(InstanceHistory.StatusChange::at)
        .last().isEqualTo(VirtualClock.DEFAULT_START.plus(Duration.ofMinutes(4)));
  }

  @Test
  void clearRemovesPendingFaults() {
    rds.faults().throttleNext(5).failNext("DescribeDBInstances", "InternalFailure").throttleShare(1).clear();
    assertThat(describe().dbInstanceStatus()).isEqualTo("available");
  }
}
