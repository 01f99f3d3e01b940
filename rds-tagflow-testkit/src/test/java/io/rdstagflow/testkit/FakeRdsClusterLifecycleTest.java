package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/** The Aurora cluster lifecycle through the fake as an RdsClient: restore, members, modify, delete. */
class FakeRdsClusterLifecycleTest {

  private static final Instant T0 = VirtualClock.DEFAULT_START;

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
    rds.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("nightly").engine("aurora-postgresql")
        .engineVersion("15.6").masterUsername("admin").tagList(tag("team", "blue")));
  }

  private static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  private static Map<String, String> tags(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private DBCluster cluster(String id) {
    return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
  }

  private DBInstance instance(String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private void restore(String id) {
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier(id).snapshotIdentifier("nightly")
        .engine("aurora-postgresql").tags(tag("tagflow:flow", "op=1")));
  }

  private void member(String cluster, String id) {
    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbClusterIdentifier(cluster)
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large").tags(tag("role", id)));
  }

  /** A restored cluster, available, with an available writer and reader. */
  private void runningCluster(String id) {
    restore(id);
    clock.advance(Duration.ofMinutes(10));
    member(id, id + "-a");
    member(id, id + "-b");
    clock.advance(Duration.ofMinutes(7));
  }

  @Test
  void restoredClusterIsCreatingThenAvailableWithItsEndpointsTheRequestsTagsAndTheSnapshotsVersion() {
    DBCluster response = rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("Svc-1")
        .snapshotIdentifier("nightly").engine("aurora-postgresql").vpcSecurityGroupIds("sg-1")
        .tags(tag("tagflow:flow", "op=1"))).dbCluster();
    assertThat(response.status()).isEqualTo("creating");
    assertThat(response.dbClusterIdentifier()).isEqualTo("svc-1");
    assertThat(response.endpoint()).isNull();

    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(cluster("svc-1").status()).isEqualTo("creating");
    clock.advance(Duration.ofSeconds(1));

    DBCluster c = cluster("svc-1");
    assertThat(c.status()).isEqualTo("available");
    assertThat(c.engine()).isEqualTo("aurora-postgresql");
    assertThat(c.engineVersion()).isEqualTo("15.6");
    assertThat(c.masterUsername()).isEqualTo("admin");
    assertThat(c.port()).isEqualTo(5432);
    assertThat(c.dbClusterArn()).isEqualTo("arn:aws:rds:us-east-1:123456789012:cluster:svc-1");
    assertThat(c.endpoint()).isEqualTo("svc-1.cluster-c9akciq32fake.us-east-1.rds.amazonaws.com");
    assertThat(c.readerEndpoint()).startsWith("svc-1.cluster-ro-");
    assertThat(c.dbClusterParameterGroup()).isEqualTo("default.aurora-postgresql15");
    assertThat(c.vpcSecurityGroups()).extracting(VpcSecurityGroupMembership::vpcSecurityGroupId)
        .containsExactly("sg-1");
    assertThat(c.clusterCreateTime()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(c.dbClusterMembers()).isEmpty();
    assertThat(c.pendingModifiedValues()).isNull();
    assertThat(tags(c.tagList())).containsExactly(Map.entry("tagflow:flow", "op=1"));
    assertThat(rds.clusterHistory("SVC-1").orElseThrow().statusSequence())
        .containsExactly("creating", "available");
  }

  @Test
  void restoreWithoutTagsCopiesTheSnapshotsSourceTags() {
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("copy").snapshotIdentifier("nightly")
        .engine("aurora-postgresql"));
    assertThat(tags(cluster("copy").tagList())).containsExactly(Map.entry("team", "blue"));
  }

  @Test
  void aMemberCanBeCreatedOnlyOnceTheRestoreHasCompletedAndTheClusterIsAvailable() {
    restore("svc");
    assertThatThrownBy(() -> member("svc", "svc-a"))
        .isInstanceOfSatisfying(InvalidDbClusterStateException.class, e -> {
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidDBClusterStateFault");
          assertThat(e.statusCode()).isEqualTo(400);
        });

    clock.advance(Duration.ofMinutes(10));
    DBInstance created = rds.createDBInstance(r -> r.dbInstanceIdentifier("svc-a").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large")).dbInstance();

    assertThat(created.dbInstanceStatus()).isEqualTo("creating");
    assertThat(created.dbClusterIdentifier()).isEqualTo("svc");
    clock.advance(Duration.ofMinutes(7).minusSeconds(1));
    assertThat(instance("svc-a").dbInstanceStatus()).isEqualTo("creating");
    clock.advance(Duration.ofSeconds(1));
    assertThat(instance("svc-a").dbInstanceStatus()).isEqualTo("available");
  }

  @Test
  void membersShowTheClustersSettingsTheirOwnTagsAndTheFirstIsTheWriter() {
    runningCluster("svc");

    DBCluster c = cluster("svc");
    assertThat(c.dbClusterMembers()).extracting(DBClusterMember::dbInstanceIdentifier,
        DBClusterMember::isClusterWriter, DBClusterMember::dbClusterParameterGroupStatus)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("svc-a", true, "in-sync"),
            org.assertj.core.groups.Tuple.tuple("svc-b", false, "in-sync"));
    assertThat(c.multiAZ()).isTrue();
    DBInstance a = instance("svc-a");
    assertThat(a.dbClusterIdentifier()).isEqualTo("svc");
    assertThat(a.engine()).isEqualTo("aurora-postgresql");
    assertThat(a.engineVersion()).isEqualTo("15.6");
    assertThat(a.masterUsername()).isEqualTo("admin");
    assertThat(a.storageType()).isEqualTo("aurora");
    assertThat(a.dbInstanceClass()).isEqualTo("db.r6g.large");
    assertThat(a.endpoint().port()).isEqualTo(5432);
    assertThat(a.dbParameterGroups().get(0).dbParameterGroupName()).isEqualTo("default.aurora-postgresql15");
    assertThat(a.promotionTier()).isEqualTo(1);
    assertThat(tags(a.tagList())).containsExactly(Map.entry("role", "svc-a"));
    assertThat(tags(c.tagList())).containsExactly(Map.entry("tagflow:flow", "op=1"));
  }

  @Test
  void describeInstancesWithTheClusterFilterListsTheMembersOfEachClusterNamed() {
    runningCluster("one");
    runningCluster("two");
    runningCluster("three");
    rds.givenInstance(r -> r.dbInstanceIdentifier("plain").dbInstanceClass("db.t3.micro").engine("postgres"));

    List<String> ids = rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-cluster-id")
            .values("ONE", rds.clusterArn("three"), "nosuch").build())).dbInstances().stream()
        .map(DBInstance::dbInstanceIdentifier).toList();

    assertThat(ids).containsExactly("one-a", "one-b", "three-a", "three-b");
  }

  @Test
  void modifyAppliesRetentionAtOnceTheRestWhileModifyingThenResetsTheMasterPassword() {
    runningCluster("svc");
    rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("broker-apg15")
        .dbParameterGroupFamily("aurora-postgresql15").description("broker"));

    DBCluster response = rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").applyImmediately(true)
        .backupRetentionPeriod(7).vpcSecurityGroupIds("sg-9").dbClusterParameterGroupName("broker-apg15")
        .masterUserPassword("N3wPassw0rdN3w")).dbCluster();

    assertThat(response.status()).isEqualTo("modifying");
    assertThat(response.backupRetentionPeriod()).isEqualTo(7);
    assertThat(response.dbClusterParameterGroup()).isEqualTo("broker-apg15");
    assertThat(response.pendingModifiedValues().masterUserPassword()).isEqualTo("****");
    assertThat(response.toString()).doesNotContain("N3wPassw0rdN3w");
    assertThat(response.vpcSecurityGroups()).extracting(VpcSecurityGroupMembership::vpcSecurityGroupId)
        .containsExactly("sg-0fa4e0c1d2b3a4f50");
    assertThat(response.dbClusterMembers()).extracting(DBClusterMember::dbClusterParameterGroupStatus)
        .containsOnly("applying");

    clock.advance(Duration.ofMinutes(2));
    assertThat(cluster("svc").status()).isEqualTo("resetting-master-credentials");
    clock.advance(Duration.ofMinutes(2));
    DBCluster done = cluster("svc");
    assertThat(done.status()).isEqualTo("available");
    assertThat(done.pendingModifiedValues()).isNull();
    assertThat(done.vpcSecurityGroups()).extracting(VpcSecurityGroupMembership::vpcSecurityGroupId)
        .containsExactly("sg-9");
    assertThat(done.dbClusterMembers()).extracting(DBClusterMember::dbClusterParameterGroupStatus)
        .containsOnly("pending-reboot");
    assertThat(instance("svc-b").vpcSecurityGroups().get(0).vpcSecurityGroupId()).isEqualTo("sg-9");
    assertThat(instance("svc-b").backupRetentionPeriod()).isEqualTo(7);
    assertThat(rds.clusterHistory("svc").orElseThrow().statusSequence()).containsExactly("creating",
        "available", "modifying", "resetting-master-credentials", "available");
  }

  @Test
  void aMemberRebootedAfterAClusterParameterGroupChangeIsInSyncTheOthersStillPendingReboot() {
    runningCluster("svc");
    rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("broker-apg15")
        .dbParameterGroupFamily("aurora-postgresql15").description("broker"));
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").dbClusterParameterGroupName("broker-apg15"));
    clock.advance(Duration.ofMinutes(3));

    DBInstance rebooting = rds.rebootDBInstance(r -> r.dbInstanceIdentifier("svc-a")).dbInstance();
    assertThat(rebooting.dbInstanceStatus()).isEqualTo("rebooting");
    assertThat(cluster("svc").dbClusterMembers()).extracting(DBClusterMember::dbClusterParameterGroupStatus)
        .containsExactly("pending-reboot", "pending-reboot");
    clock.advance(Duration.ofMinutes(2));

    assertThat(cluster("svc").dbClusterMembers()).extracting(DBClusterMember::dbInstanceIdentifier,
        DBClusterMember::dbClusterParameterGroupStatus).containsExactly(
        org.assertj.core.groups.Tuple.tuple("svc-a", "in-sync"),
        org.assertj.core.groups.Tuple.tuple("svc-b", "pending-reboot"));
  }

  @Test
  void aModifyWhileANewClusterParameterGroupIsStillApplyingIsAcceptedAndKeepsTheEarlierChanges() {
    runningCluster("svc");
    rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("broker-apg15")
        .dbParameterGroupFamily("aurora-postgresql15").description("broker"));
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").dbClusterParameterGroupName("broker-apg15")
        .vpcSecurityGroupIds("sg-1"));
    clock.advance(Duration.ofMinutes(2).plusSeconds(30));
    assertThat(cluster("svc").status()).isEqualTo("available");
    assertThat(cluster("svc").dbClusterMembers()).extracting(DBClusterMember::dbClusterParameterGroupStatus)
        .containsOnly("applying");

    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").port(5433));
    clock.advance(Duration.ofMinutes(2));

    DBCluster c = cluster("svc");
    assertThat(c.port()).isEqualTo(5433);
    assertThat(c.vpcSecurityGroups().get(0).vpcSecurityGroupId()).isEqualTo("sg-1");
    assertThat(c.dbClusterParameterGroup()).isEqualTo("broker-apg15");
    assertThat(c.dbClusterMembers()).extracting(DBClusterMember::dbClusterParameterGroupStatus)
        .containsOnly("pending-reboot");
    assertThat(instance("svc-a").endpoint().port()).isEqualTo(5433);
  }

  @Test
  void aMembersClassChangeIsModifyingWithApplyImmediatelyAndPendingWithout() {
    runningCluster("svc");

    DBInstance now = rds.modifyDBInstance(r -> r.dbInstanceIdentifier("svc-b").dbInstanceClass("db.r6g.xlarge")
        .applyImmediately(true)).dbInstance();
    DBInstance later = rds.modifyDBInstance(r -> r.dbInstanceIdentifier("svc-a").dbInstanceClass("db.r6g.xlarge"))
        .dbInstance();

    assertThat(now.dbInstanceStatus()).isEqualTo("modifying");
    assertThat(now.pendingModifiedValues().dbInstanceClass()).isEqualTo("db.r6g.xlarge");
    assertThat(later.dbInstanceStatus()).isEqualTo("available");
    assertThat(later.pendingModifiedValues().dbInstanceClass()).isEqualTo("db.r6g.xlarge");
    clock.advance(Duration.ofMinutes(3));
    assertThat(instance("svc-b").dbInstanceClass()).isEqualTo("db.r6g.xlarge");
    assertThat(instance("svc-a").dbInstanceClass()).isEqualTo("db.r6g.large");
    assertThat(cluster("svc").status()).isEqualTo("available");
  }

  @Test
  void aClusterWithMembersIsNotDeletedItsMembersGoFirstWithoutFinalSnapshots() {
    runningCluster("svc");

    assertThatThrownBy(() -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc").skipFinalSnapshot(true)))
        .isInstanceOfSatisfying(InvalidDbClusterStateException.class, e -> assertThat(e.getMessage())
            .contains("still contains DB instances in non-deleting state"));

    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("svc-a"));
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("svc-b"));
    assertThat(cluster("svc").dbClusterMembers()).extracting(DBClusterMember::dbInstanceIdentifier)
        .containsExactly("svc-a", "svc-b");
    DBCluster deleting = rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc")
        .finalDBSnapshotIdentifier("svc-final")).dbCluster();
    assertThat(deleting.status()).isEqualTo("deleting");

    clock.advance(Duration.ofMinutes(5));
    assertThatThrownBy(() -> cluster("svc")).isInstanceOfSatisfying(DbClusterNotFoundException.class,
        e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("svc-final"))
        .dbClusterSnapshots().get(0).status()).isEqualTo("available");
    assertThat(rds.clusterHistory("svc").orElseThrow().statusSequence())
        .containsExactly("creating", "available", "deleting", "deleted");
    assertThat(rds.history("svc-a").orElseThrow().statusSequence()).endsWith("deleting", "deleted");
  }

  @Test
  void whenTheWriterIsDeletedTheReaderWithTheLowestPromotionTierBecomesTheWriter() {
    runningCluster("svc");
    rds.createDBInstance(r -> r.dbInstanceIdentifier("svc-c").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large").promotionTier(0));
    clock.advance(Duration.ofMinutes(7));

    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("svc-a"));

    assertThat(cluster("svc").dbClusterMembers()).filteredOn(DBClusterMember::isClusterWriter)
        .extracting(DBClusterMember::dbInstanceIdentifier).containsExactly("svc-c");
  }

  @Test
  void pointInTimeRestoreCopiesTheSourcesSettingsButNotItsSecurityGroups() {
    runningCluster("src");
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("src").backupRetentionPeriod(9).vpcSecurityGroupIds("sg-src"));
    clock.advance(Duration.ofMinutes(5));

    DBCluster response = rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("src")
        .dbClusterIdentifier("pitr").useLatestRestorableTime(true)).dbCluster();
    clock.advance(Duration.ofMinutes(10));

    DBCluster c = cluster("pitr");
    assertThat(response.status()).isEqualTo("creating");
    assertThat(c.status()).isEqualTo("available");
    assertThat(c.engineVersion()).isEqualTo("15.6");
    assertThat(c.backupRetentionPeriod()).isEqualTo(9);
    assertThat(c.vpcSecurityGroups().get(0).vpcSecurityGroupId()).isEqualTo("sg-0fa4e0c1d2b3a4f50");
    assertThat(tags(c.tagList())).containsExactly(Map.entry("tagflow:flow", "op=1"));
    assertThat(c.dbClusterMembers()).isEmpty();
  }

  @Test
  void aCreatedClusterCanBeSnapshottedAndRestoredFrom() {
    rds.createDBCluster(r -> r.dbClusterIdentifier("made").engine("aurora-mysql").masterUsername("root")
        .masterUserPassword("Passw0rdPassw0rd").databaseName("app").copyTagsToSnapshot(true)
        .tags(tag("team", "red")));
    clock.advance(Duration.ofMinutes(10));
    rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("made").dbClusterSnapshotIdentifier("made-snap"));
    assertThat(rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("made")).dbClusterSnapshots().get(0)
        .status()).isEqualTo("creating");
    clock.advance(Duration.ofMinutes(4));

    var snapshot = rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("made-snap"))
        .dbClusterSnapshots().get(0);
    assertThat(snapshot.status()).isEqualTo("available");
    assertThat(snapshot.engineVersion()).isEqualTo("8.0.mysql_aurora.3.05.2");
    assertThat(tags(snapshot.tagList())).containsExactly(Map.entry("team", "red"));
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("again").snapshotIdentifier(snapshot.dbClusterSnapshotArn())
        .engine("aurora-mysql"));
    DBCluster again = cluster("again");
    assertThat(again.port()).isEqualTo(3306);
    assertThat(again.databaseName()).isEqualTo("app");
    assertThat(again.dbClusterParameterGroup()).isEqualTo("default.aurora-mysql8.0");
  }

  @Test
  void givenClusterAndMembersAreAvailableAtOnceAndNotInTheCallLog() {
    rds.givenCluster(r -> r.dbClusterIdentifier("ready").engine("aurora-postgresql").masterUsername("admin")
        .masterUserPassword("Passw0rdPassw0rd"));
    rds.givenInstance(r -> r.dbInstanceIdentifier("ready-1").dbClusterIdentifier("ready")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));

    assertThat(rds.calls().all()).isEmpty();
    DBCluster c = cluster("ready");
    assertThat(c.status()).isEqualTo("available");
    assertThat(c.engineVersion()).isEqualTo("16.4");
    assertThat(c.dbClusterMembers()).extracting(DBClusterMember::dbInstanceIdentifier).containsExactly("ready-1");
    assertThat(instance("ready-1").dbInstanceStatus()).isEqualTo("available");
  }
}
