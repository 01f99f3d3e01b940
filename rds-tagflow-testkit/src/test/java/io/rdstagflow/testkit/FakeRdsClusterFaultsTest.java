package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** Faults, describe lag, timings, the call log and the report, for clusters and their members. */
class FakeRdsClusterFaultsTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
    rds.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("snap"));
    rds.givenCluster(r -> r.dbClusterIdentifier("svc").engine("aurora-postgresql").masterUsername("admin")
        .masterUserPassword("Passw0rdPassw0rd").tags(tag("v", "1")));
    rds.givenInstance(r -> r.dbInstanceIdentifier("svc-1").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
  }

  private static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  private DBCluster cluster(String id) {
    return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
  }

  @Test
  void throttlingAndInjectedErrorsHitClusterCallsAndChangeNothing() {
    rds.faults().throttleNext(1).failNext("ModifyDBCluster", "InvalidDBClusterStateFault")
        .failNext("RestoreDBClusterFromSnapshot", "InternalFailure");

    RdsException throttled = catchThrowableOfType(RdsException.class, () -> cluster("svc"));
    assertThat(throttled.isThrottlingException()).isTrue();
    assertThatThrownBy(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").backupRetentionPeriod(9)))
        .isInstanceOf(InvalidDbClusterStateException.class);
    RdsException failed = catchThrowableOfType(RdsException.class, () -> rds.restoreDBClusterFromSnapshot(r -> r
        .dbClusterIdentifier("copy").snapshotIdentifier("snap").engine("aurora-postgresql")));
    assertThat(failed.statusCode()).isEqualTo(500);

    assertThat(cluster("svc").backupRetentionPeriod()).isEqualTo(1);
    assertThatThrownBy(() -> cluster("copy")).isInstanceOf(DbClusterNotFoundException.class);
    assertThatThrownBy(() -> rds.faults().failNext("DescribeDBClusterEndpoints", "InternalFailure"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedClusterStaysFailedAndAFailureCutsAModifyShort() {
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").vpcSecurityGroupIds("sg-2"));
    rds.faults().failClusterAfter("svc", "inaccessible-encryption-credentials", Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(5));

    DBCluster c = cluster("svc");
    assertThat(c.status()).isEqualTo("inaccessible-encryption-credentials");
    assertThat(c.vpcSecurityGroups().get(0).vpcSecurityGroupId()).isEqualTo("sg-0fa4e0c1d2b3a4f50");
    assertThat(c.pendingModifiedValues()).isNull();
    assertThat(rds.clusterHistory("svc").orElseThrow().statusSequence())
        .containsExactly("available", "modifying", "inaccessible-encryption-credentials");
    assertThatThrownBy(() -> rds.createDBInstance(r -> r.dbInstanceIdentifier("svc-2").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large")))
        .isInstanceOf(InvalidDbClusterStateException.class);
    assertThatThrownBy(() -> rds.faults().failCluster("nosuch", "failed")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMemberFailsAsAnInstanceDoes() {
    rds.faults().failInstance("svc-1", "failed");
    assertThat(rds.describeDBInstances(r -> r.filters(f -> f.name("db-cluster-id").values("svc"))).dbInstances()
        .get(0).dbInstanceStatus()).isEqualTo("failed");
    assertThat(cluster("svc").status()).isEqualTo("available");
  }

  @Test
  void underADescribeLagAClusterLooksAsItWasBeforeEachWrite() {
    rds.faults().describeLag(Duration.ofSeconds(30));
    rds.addTagsToResource(r -> r.resourceName(rds.clusterArn("svc")).tags(tag("v", "2")));
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("copy").snapshotIdentifier("snap")
        .engine("aurora-postgresql"));
    assertThat(cluster("svc").tagList()).containsExactly(tag("v", "1"));

    // Each write's lag shows the cluster as it was just before that write.
    rds.createDBInstance(r -> r.dbInstanceIdentifier("svc-2").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
    assertThat(cluster("svc").tagList()).containsExactly(tag("v", "2"));
    assertThat(cluster("svc").dbClusterMembers()).hasSize(1);
    assertThatThrownBy(() -> cluster("copy")).isInstanceOf(DbClusterNotFoundException.class);
    assertThat(rds.listTagsForResource(r -> r.resourceName(rds.clusterArn("svc"))).tagList())
        .containsExactly(tag("v", "2"));
    clock.advance(Duration.ofSeconds(30));
    assertThat(cluster("svc").tagList()).containsExactly(tag("v", "2"));
    assertThat(cluster("svc").dbClusterMembers()).hasSize(2);
    assertThat(cluster("copy").status()).isEqualTo("creating");
  }

  @Test
  void clusterTimingsComeFromLifecycleTimings() {
    FakeRds quick = FakeRds.builder().clock(clock).timings(LifecycleTimings.instant()).build();
    quick.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("snap"));
    DBCluster response = quick.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c").snapshotIdentifier("snap")
        .engine("aurora-postgresql")).dbCluster();
    assertThat(response.status()).isEqualTo("creating");
    assertThat(quick.describeDBClusters(r -> r.dbClusterIdentifier("c")).dbClusters().get(0).status())
        .isEqualTo("available");

    LifecycleTimings slow = LifecycleTimings.defaults().withClusterCreating(Duration.ofMinutes(30))
        .withMemberCreating(Duration.ofMinutes(12)).withClusterModifying(Duration.ofMinutes(1))
        .withClusterResettingMasterCredentials(Duration.ofMinutes(1)).withClusterDeleting(Duration.ofMinutes(1))
        .withClusterSnapshotting(Duration.ofMinutes(1));
    assertThat(slow.clusters()).isEqualTo(new ClusterTimings(Duration.ofMinutes(30), Duration.ofMinutes(12),
        Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1)));
    assertThat(slow.withModifying(Duration.ofMinutes(9)).clusters()).isEqualTo(slow.clusters());
    assertThat(new LifecycleTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ZERO, Duration.ZERO).clusters()).isEqualTo(ClusterTimings.defaults());
    assertThatThrownBy(() -> ClusterTimings.defaults().withDeleting(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCallLogNamesTheClusterOfEachCallAndCountsClusterWritesAsWrites() {
    CallLog.Mark mark = rds.calls().mark();
    cluster("svc");
    rds.createDBInstance(r -> r.dbInstanceIdentifier("svc-2").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
    rds.addTagsToResource(r -> r.resourceName(rds.clusterArn("svc")).tags(tag("v", "2")));
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("SVC").masterUserPassword("An0therPassw0rd"));

    List<RecordedCall> calls = rds.calls().since(mark);
    assertThat(calls).extracting(RecordedCall::clusterId).containsOnly(java.util.Optional.of("svc"));
    assertThat(calls.get(1).instanceId()).contains("svc-2");
    assertThat(calls).extracting(RecordedCall::isWrite).containsExactly(false, true, true, true);
    assertThat(rds.calls().writesSince(mark)).hasSize(3);
    assertThat(rds.calls().render()).doesNotContain("An0therPassw0rd");
  }

  @Test
  void theAccountsBudgetCoversClusterCalls() {
    FakeRds limited = FakeRds.builder().clock(clock).accountRateLimit(0, 1).build();
    limited.describeDBClusters(r -> { });
    RdsException e = catchThrowableOfType(RdsException.class, () -> limited.describeDBClusters(r -> { }));
    assertThat(e.isThrottlingException()).isTrue();
    assertThat(limited.accountBudget().throttledCalls()).isEqualTo(1);
  }

  @Test
  void theReportShowsEachClustersHistory() {
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("copy").snapshotIdentifier("snap")
        .engine("aurora-postgresql"));
    clock.advance(Duration.ofMinutes(10));

    assertThat(rds.report()).contains("Clusters:", "cluster copy", "status creating", "status available",
        "instance svc-1");
    assertThat(rds.clusterHistories()).extracting(ClusterHistory::clusterId).containsExactly("svc", "copy");
  }
}
