package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

class FakeRdsLifecycleTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
  }

  private DBInstance describe(String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private static Map<String, String> tags(DBInstance i) {
    return i.tagList().stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private void createPostgres(String id) {
    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbInstanceClass("db.t3.micro")
        .engine("postgres").masterUsername("admin").masterUserPassword("s3cretPassw0rd")
        .allocatedStorage(20));
  }

  @Test
  void createdInstanceIsCreatingUntilTheCreatingTimeHasPassed() {
    createPostgres("db1");
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("creating");
    assertThat(describe("db1").endpoint()).isNull();

    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("creating");

    clock.advance(Duration.ofSeconds(1));
    DBInstance db = describe("db1");
    assertThat(db.dbInstanceStatus()).isEqualTo("available");
    assertThat(db.endpoint().port()).isEqualTo(5432);
    assertThat(db.instanceCreateTime()).isEqualTo(VirtualClock.DEFAULT_START.plusSeconds(600));
    assertThat(db.dbInstanceArn()).isEqualTo("arn:aws:rds:us-east-1:123456789012:db:db1");
    assertThat(db.dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("default.postgres16");
    assertThat(db.dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("in-sync");
  }

  @Test
  void identifiersAreStoredInLowerCaseAsRdsDoes() {
    createPostgres("MyDb");
    assertThat(describe("MYDB").dbInstanceIdentifier()).isEqualTo("mydb");
  }

  @Test
  void historyRecordsEachStatusAtTheVirtualTimeItBegan() {
    createPostgres("db1");
    clock.advance(Duration.ofHours(1));
    assertThat(rds.history("db1").orElseThrow().statuses()).containsExactly(
        new InstanceHistory.StatusChange(VirtualClock.DEFAULT_START, "creating"),
        new InstanceHistory.StatusChange(VirtualClock.DEFAULT_START.plusSeconds(600), "available"));
  }

  @Test
  void restoreCopiesTheSnapshotsEngineSizeUserAndSourceTagsWhenTheRequestHasNoTags() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap").engine("mysql").engineVersion("8.0.39")
        .allocatedStorage(50).masterUsername("root")
        .tagList(Tag.builder().key("team").value("blue").build()));

    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("copy").dbSnapshotIdentifier("snap"));
    clock.advance(Duration.ofMinutes(10));

    DBInstance db = describe("copy");
    assertThat(db.engine()).isEqualTo("mysql");
    assertThat(db.allocatedStorage()).isEqualTo(50);
    assertThat(db.masterUsername()).isEqualTo("root");
    assertThat(db.endpoint().port()).isEqualTo(3306);
    assertThat(tags(db)).containsExactly(Map.entry("team", "blue"));
  }

  @Test
  void restoreWithTagsUsesTheRequestsTagsInsteadOfTheSnapshots() {
    rds.givenSnapshot(s -> s.dbSnapshotIdentifier("snap")
        .tagList(Tag.builder().key("team").value("blue").build()));

    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("copy").dbSnapshotIdentifier("snap")
        .tags(Tag.builder().key("tagflow:flow").value("name=restore v=1").build()));

    assertThat(tags(describe("copy"))).containsExactly(Map.entry("tagflow:flow", "name=restore v=1"));
  }

  @Test
  void restoreCopiesTheTagsTheSourceHadWhenTheSnapshotWasTakenNotItsCurrentTags() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("src").dbInstanceClass("db.t3.micro").engine("postgres")
        .tags(Tag.builder().key("v").value("1").build()));
    rds.createDBSnapshot(r -> r.dbInstanceIdentifier("src").dbSnapshotIdentifier("snap"));
    rds.addTagsToResource(r -> r.resourceName(rds.instanceArn("src"))
        .tags(Tag.builder().key("v").value("2").build()));
    clock.advance(rds.timings().snapshotting());

    rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier("copy").dbSnapshotIdentifier("snap"));

    assertThat(tags(describe("copy"))).containsExactly(Map.entry("v", "1"));
  }

  @Test
  void parameterGroupChangeIsApplyingThenPendingRebootUntilARebootMakesItInSync() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.createDBParameterGroup(r -> r.dbParameterGroupName("custom").dbParameterGroupFamily("postgres16")
        .description("ours"));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").dbParameterGroupName("custom").applyImmediately(true));

    DBInstance during = describe("db1");
    assertThat(during.dbInstanceStatus()).isEqualTo("modifying");
    assertThat(during.dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("custom");
    assertThat(during.dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("applying");

    clock.advance(Duration.ofMinutes(3));
    DBInstance after = describe("db1");
    assertThat(after.dbInstanceStatus()).isEqualTo("available");
    assertThat(after.dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("pending-reboot");

    clock.advance(Duration.ofHours(5));
    assertThat(describe("db1").dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("pending-reboot");

    rds.rebootDBInstance(r -> r.dbInstanceIdentifier("db1"));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("rebooting");
    clock.advance(Duration.ofMinutes(2));
    DBInstance rebooted = describe("db1");
    assertThat(rebooted.dbInstanceStatus()).isEqualTo("available");
    assertThat(rebooted.dbParameterGroups().get(0).parameterApplyStatus()).isEqualTo("in-sync");
  }

  @Test
  void masterPasswordChangeShowsResettingCredentialsAndAMaskedPendingValueNeverThePassword() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    DBInstance response = rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1")
        .masterUserPassword("N3wPassword!").applyImmediately(true)).dbInstance();

    DBInstance during = describe("db1");
    assertThat(during.dbInstanceStatus()).isEqualTo("resetting-master-credentials");
    assertThat(during.pendingModifiedValues().masterUserPassword()).isEqualTo("****");
    assertThat(response.toString() + during + rds.report() + rds.calls().render())
        .doesNotContain("N3wPassword!");

    clock.advance(Duration.ofMinutes(2));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("available");
    assertThat(describe("db1").pendingModifiedValues().masterUserPassword()).isNull();
  }

  @Test
  void settingsAndPasswordInOneModifyAreModifyingThenResettingCredentials() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").backupRetentionPeriod(7)
        .masterUserPassword("N3wPassword!").applyImmediately(true));
    assertThat(describe("db1").pendingModifiedValues().backupRetentionPeriod()).isEqualTo(7);

    clock.advance(Duration.ofMinutes(3));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("resetting-master-credentials");
    clock.advance(Duration.ofMinutes(2));
    DBInstance done = describe("db1");
    assertThat(done.dbInstanceStatus()).isEqualTo("available");
    assertThat(done.backupRetentionPeriod()).isEqualTo(7);
    assertThat(rds.history("db1").orElseThrow().statusSequence()).containsExactly(
        "available", "modifying", "resetting-master-credentials", "available");
  }

  @Test
  void modifyWithoutApplyImmediatelyWaitsForTheMaintenanceWindowNotForAReboot() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.m5.large").applyImmediately(false));

    DBInstance pending = describe("db1");
    assertThat(pending.dbInstanceStatus()).isEqualTo("available");
    assertThat(pending.pendingModifiedValues().dbInstanceClass()).isEqualTo("db.m5.large");

    rds.rebootDBInstance(r -> r.dbInstanceIdentifier("db1"));
    clock.advance(Duration.ofMinutes(2));
    assertThat(describe("db1").dbInstanceClass()).isEqualTo("db.t3.micro");

    rds.runMaintenance("db1");
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("modifying");
    clock.advance(Duration.ofMinutes(3));
    assertThat(describe("db1").dbInstanceClass()).isEqualTo("db.m5.large");
    assertThat(describe("db1").pendingModifiedValues().dbInstanceClass()).isNull();
  }

  @Test
  void modifyThatChangesNothingLeavesTheInstanceAvailable() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").applyImmediately(true));
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("available");
  }

  @Test
  void deletedInstanceIsDeletingThenGone() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThat(rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").skipFinalSnapshot(true))
        .dbInstance().dbInstanceStatus()).isEqualTo("deleting");
    assertThat(describe("db1").dbInstanceStatus()).isEqualTo("deleting");

    clock.advance(Duration.ofMinutes(5));
    assertThatThrownBy(() -> describe("db1")).isInstanceOf(DbInstanceNotFoundException.class);
    assertThat(rds.history("db1").orElseThrow().statusSequence())
        .containsExactly("available", "deleting", "deleted");
  }

  @Test
  void deleteWithAFinalSnapshotLeavesASnapshotToRestoreFrom() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("db1").finalDBSnapshotIdentifier("last"));
    assertThat(rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("last")).dbSnapshots())
        .singleElement().satisfies(s -> assertThat(s.status()).isEqualTo("available"));
  }

  @Test
  void snapshotIsCreatingForTheSnapshottingTime() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    rds.createDBSnapshot(r -> r.dbInstanceIdentifier("db1").dbSnapshotIdentifier("s1"));
    assertThat(rds.describeDBSnapshots(r -> r.dbInstanceIdentifier("db1")).dbSnapshots().get(0).status())
        .isEqualTo("creating");
    clock.advance(Duration.ofMinutes(4));
    assertThat(rds.describeDBSnapshots(r -> r.dbInstanceIdentifier("db1")).dbSnapshots().get(0).status())
        .isEqualTo("available");
  }

  @Test
  void pointInTimeRestoreCreatesANewInstanceFromTheSource() {
    rds.givenInstance(r -> r.dbInstanceIdentifier("src").dbInstanceClass("db.t3.micro").engine("postgres")
        .allocatedStorage(30));
    rds.restoreDBInstanceToPointInTime(r -> r.sourceDBInstanceIdentifier("src")
        .targetDBInstanceIdentifier("pitr").useLatestRestorableTime(true)
        .tags(Tag.builder().key("k").value("v").build()));
    assertThat(describe("pitr").dbInstanceStatus()).isEqualTo("creating");
    clock.advance(Duration.ofMinutes(10));
    assertThat(describe("pitr").allocatedStorage()).isEqualTo(30);
    assertThat(tags(describe("pitr"))).containsExactly(Map.entry("k", "v"));
  }

  @Test
  void statusIsDerivedFromAnyClockSoTheFakeAlsoRunsOnRealTime() {
    FakeRds real = FakeRds.builder().clock(Clock.systemUTC()).build();
    real.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThat(real.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("creating");

    FakeRds instant = FakeRds.builder().clock(Clock.systemUTC()).timings(LifecycleTimings.instant()).build();
    instant.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    assertThat(instant.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("available");
  }

  @Test
  void configuredTimingsAreUsed() {
    FakeRds slow = FakeRds.builder().clock(clock)
        .timings(LifecycleTimings.defaults().withCreating(Duration.ofHours(2))).build();
    slow.createDBInstance(r -> r.dbInstanceIdentifier("db1").dbInstanceClass("db.t3.micro").engine("postgres"));
    clock.advance(Duration.ofMinutes(119));
    assertThat(slow.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("creating");
    clock.advance(Duration.ofMinutes(1));
    assertThat(slow.describeDBInstances(r -> r.dbInstanceIdentifier("db1")).dbInstances().get(0)
        .dbInstanceStatus()).isEqualTo("available");
  }
}
