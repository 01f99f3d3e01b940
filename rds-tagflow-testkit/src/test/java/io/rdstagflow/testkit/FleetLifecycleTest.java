package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** Many instances, each with its own lifecycle: given in bulk, restored with spread creating times. */
class FleetLifecycleTest {

  private final VirtualClock clock = VirtualClock.create();

  @Test
  void givenInstancesAreAvailableNumberedAndOutsideTheCallLog() {
    FakeRds rds = FakeRds.builder().clock(clock).build();
    List<String> ids = rds.givenInstances("Fleet-", 1000, t -> t.dbInstanceIdentifier("ignored")
        .dbInstanceClass("db.t3.micro").engine("postgres").tags(Tag.builder().key("team").value("blue").build()));

    assertThat(ids).hasSize(1000).startsWith("fleet-000", "fleet-001").endsWith("fleet-999");
    assertThat(rds.calls().all()).isEmpty();
    assertThat(rds.describeDBInstancesPaginator(d -> { }).dbInstances()).hasSize(1000).allSatisfy(d -> {
      assertThat(d.dbInstanceStatus()).isEqualTo("available");
      assertThat(d.tagList()).containsExactly(Tag.builder().key("team").value("blue").build());
    });
    assertThat(rds.givenInstances("one-", 1, t -> t.dbInstanceClass("db.t3.micro").engine("postgres")))
        .containsExactly("one-0");
    assertThat(rds.givenInstances("none-", 0, t -> { })).isEmpty();
    assertThatThrownBy(() -> rds.givenInstances("x-", -1, t -> { })).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void givenInstancesCreatesAllOrNothing() {
    FakeRds rds = FakeRds.builder().clock(clock).build();
    rds.givenInstance(r -> r.dbInstanceIdentifier("db-7").dbInstanceClass("db.t3.micro").engine("postgres"));

    RdsException taken = catchThrowableOfType(RdsException.class,
        () -> rds.givenInstances("db-", 10, t -> t.dbInstanceClass("db.t3.micro").engine("postgres")));
    RdsException badTemplate = catchThrowableOfType(RdsException.class,
        () -> rds.givenInstances("other-", 10, t -> t.engine("postgres")));
    RdsException badId = catchThrowableOfType(RdsException.class,
        () -> rds.givenInstances("1st-", 10, t -> t.dbInstanceClass("db.t3.micro").engine("postgres")));

    assertThat(taken.awsErrorDetails().errorCode()).isEqualTo("DBInstanceAlreadyExists");
    assertThat(badTemplate.awsErrorDetails().errorCode()).isEqualTo("MissingParameter");
    assertThat(badId.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
    assertThat(rds.describeDBInstances(d -> { }).dbInstances()).extracting(DBInstance::dbInstanceIdentifier)
        .containsExactly("db-7");
  }

  /** When each of {@code n} restores from one snapshot becomes available, by identifier. */
  private static Map<String, Instant> restoreTimes(long seed, double sigma, List<Integer> order) {
    VirtualClock clock = VirtualClock.create();
    FakeRds rds = FakeRds.builder().clock(clock).seed(seed).creatingSpread(sigma).build();
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    for (int n : order) {
      rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("r-" + n).dbSnapshotIdentifier("snap"));
    }
    clock.advance(Duration.ofDays(2));
    Map<String, Instant> available = new TreeMap<>();
    for (InstanceHistory h : rds.histories()) {
      available.put(h.instanceId(), h.statuses().stream().filter(s -> s.status().equals("available"))
          .findFirst().orElseThrow().at());
    }
    return available;
  }

  @Test
  void restoresAreCreatingForASeededSpreadAroundTheTimingsValue() {
    List<Integer> order = IntStream.range(0, 400).boxed().toList();
    Map<String, Instant> times = restoreTimes(3, 0.5, order);
    List<Duration> creating = new ArrayList<>(times.values().stream()
        .map(t -> Duration.between(VirtualClock.DEFAULT_START, t)).toList());
    Collections.sort(creating);

    Duration median = creating.get(200);
    assertThat(median).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(11));
    assertThat(creating.get(0)).isLessThan(Duration.ofMinutes(5));
    assertThat(creating.get(399)).isGreaterThan(Duration.ofMinutes(25));
    assertThat(creating.get(399)).isLessThanOrEqualTo(Duration.ofSeconds(Math.round(600 * Math.exp(1.5)) + 1));
    assertThat(creating).doesNotHaveDuplicates();

    // The same seed gives each instance the same time, in whatever order the restores came.
    List<Integer> reversed = new ArrayList<>(order);
    Collections.reverse(reversed);
    assertThat(restoreTimes(3, 0.5, reversed)).isEqualTo(times);
    assertThat(restoreTimes(4, 0.5, order)).isNotEqualTo(times);
  }

  @Test
  void withoutSpreadEveryRestoreTakesExactlyTheTimingsValue() {
    Map<String, Instant> times = restoreTimes(3, 0, IntStream.range(0, 20).boxed().toList());
    assertThat(times.values()).containsOnly(VirtualClock.DEFAULT_START.plus(LifecycleTimings.defaults().creating()));
    assertThatThrownBy(() -> FakeRds.builder().creatingSpread(-0.1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void historiesRecordEachStatusAtItsInstantWithoutAnyoneDescribing() {
    FakeRds rds = FakeRds.builder().clock(clock).build();
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap"));
    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("a").dbSnapshotIdentifier("snap"));
    clock.advance(Duration.ofMinutes(4));
    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("b").dbSnapshotIdentifier("snap"));
    clock.advance(Duration.ofMinutes(7));
    // Only "a" is touched; "b" is left alone while its restore ends and a reboot of "a" runs.
    rds.rebootDBInstance(r -> r.dbInstanceIdentifier("a"));
    clock.advance(Duration.ofHours(1));

    InstanceHistory a = rds.history("a").orElseThrow();
    InstanceHistory b = rds.history("b").orElseThrow();
    Instant t0 = VirtualClock.DEFAULT_START;
    assertThat(a.statuses()).containsExactly(new InstanceHistory.StatusChange(t0, "creating"),
        new InstanceHistory.StatusChange(t0.plusSeconds(600), "available"),
        new InstanceHistory.StatusChange(t0.plusSeconds(660), "rebooting"),
        new InstanceHistory.StatusChange(t0.plusSeconds(780), "available"));
    assertThat(b.statuses()).containsExactly(new InstanceHistory.StatusChange(t0.plusSeconds(240), "creating"),
        new InstanceHistory.StatusChange(t0.plusSeconds(840), "available"));
  }

  @Test
  void aDeletedInstanceIsGoneOnTimeSoItsNameIsFreeWithoutAnyoneDescribingIt() {
    FakeRds rds = FakeRds.builder().clock(clock).build();
    rds.givenInstances("db-", 3, t -> t.dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db-1").skipFinalSnapshot(true));
    clock.advance(rds.timings().deleting());

    rds.createDBInstance(r -> r.dbInstanceIdentifier("db-1").dbInstanceClass("db.t3.micro").engine("postgres"));

    assertThat(rds.histories()).extracting(InstanceHistory::instanceId)
        .containsExactly("db-0", "db-1", "db-2", "db-1");
    assertThat(rds.histories().get(1).statusSequence()).endsWith("deleted");
  }

  @Test
  void aFailureFallsDueOnTimeAmongThousandsOfIdleInstances() {
    FakeRds rds = FakeRds.builder().clock(clock).build();
    rds.givenInstances("db-", 5000, t -> t.dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.faults().failInstanceAfter("db-4321", "storage-full", Duration.ofMinutes(30));
    clock.advance(Duration.ofHours(1));

    assertThat(rds.history("db-4321").orElseThrow().statuses()).last()
        .isEqualTo(new InstanceHistory.StatusChange(VirtualClock.DEFAULT_START.plusSeconds(1800), "storage-full"));
    assertThat(rds.describeDBInstances(d -> d.dbInstanceIdentifier("db-4321")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("storage-full");
  }
}
