package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterSnapshotStateException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** RDS's rules for clusters and their members, and the fields the fake refuses. */
class FakeRdsClusterRulesTest {

  private VirtualClock clock;
  private FakeRds rds;

  @BeforeEach
  void setUp() {
    clock = VirtualClock.create();
    rds = FakeRds.builder().clock(clock).build();
    rds.givenCluster(r -> r.dbClusterIdentifier("svc").engine("aurora-postgresql").masterUsername("admin")
        .masterUserPassword("Passw0rdPassw0rd"));
    rds.givenInstance(r -> r.dbInstanceIdentifier("svc-1").dbClusterIdentifier("svc")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
  }

  private static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  private static void assertRds(ThrowingCallable call, String code, int status) {
    RdsException e = catchThrowableOfType(RdsException.class, call);
    assertThat(e).as("expected %s", code).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.statusCode()).isEqualTo(status);
  }

  private void member(String id, java.util.function.Consumer<
      software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest.Builder> more) {
    rds.createDBInstance(r -> {
      r.dbInstanceIdentifier(id).dbClusterIdentifier("svc").engine("aurora-postgresql")
          .dbInstanceClass("db.r6g.large");
      more.accept(r);
    });
  }

  @Test
  void clusterIdentifiersFollowRdsRulesAndAreUnique() {
    assertRds(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("1svc").snapshotIdentifier("x")
        .engine("aurora-postgresql")), "InvalidParameterValue", 400);
    assertThatThrownBy(() -> rds.createDBCluster(r -> r.dbClusterIdentifier("SVC").engine("aurora-postgresql")
        .masterUsername("admin").masterUserPassword("Passw0rdPassw0rd")))
        .isInstanceOf(DbClusterAlreadyExistsException.class);
  }

  @Test
  void aRestoreNeedsAnAvailableClusterSnapshotOfItsEngine() {
    assertThatThrownBy(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c")
        .snapshotIdentifier("nosuch").engine("aurora-postgresql")))
        .isInstanceOfSatisfying(DbClusterSnapshotNotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("svc").dbClusterSnapshotIdentifier("fresh"));
    assertThatThrownBy(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c")
        .snapshotIdentifier("fresh").engine("aurora-postgresql")))
        .isInstanceOf(InvalidDbClusterSnapshotStateException.class);
    clock.advance(Duration.ofMinutes(4));
    assertRds(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c").snapshotIdentifier("fresh")),
        "MissingParameter", 400);
    assertRds(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c").snapshotIdentifier("fresh")
        .engine("aurora-mysql")), "InvalidParameterCombination", 400);
    assertThatThrownBy(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c")
        .snapshotIdentifier("fresh").engine("postgres")))
        .isInstanceOfSatisfying(UnsupportedByFakeRdsException.class, e -> assertThat(e.field()).contains("Engine"));
  }

  @Test
  void aClusterParameterGroupMustExistAndBeOfTheClustersFamily() {
    rds.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("snap").engineVersion("15.6"));
    rds.givenClusterParameterGroup("apg16", "aurora-postgresql16");
    assertThatThrownBy(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c").snapshotIdentifier("snap")
        .engine("aurora-postgresql").dbClusterParameterGroupName("nosuch")))
        .isInstanceOfSatisfying(DbClusterParameterGroupNotFoundException.class,
            e -> assertThat(e.statusCode()).isEqualTo(404));
    assertRds(() -> rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c").snapshotIdentifier("snap")
        .engine("aurora-postgresql").dbClusterParameterGroupName("apg16")), "InvalidParameterCombination", 400);
    assertThatThrownBy(() -> rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("APG16")
        .dbParameterGroupFamily("aurora-postgresql16").description("again")))
        .isInstanceOf(DbParameterGroupAlreadyExistsException.class);
    assertThatThrownBy(() -> rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName("nosuch")))
        .isInstanceOf(DbParameterGroupNotFoundException.class);
    assertThat(rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName("apg16"))
        .dbClusterParameterGroups().get(0).dbClusterParameterGroupArn())
        .isEqualTo("arn:aws:rds:us-east-1:123456789012:cluster-pg:apg16");
  }

  @Test
  void aMemberOfAMissingClusterOrOfAnotherEngineIsRefused() {
    assertThatThrownBy(() -> rds.createDBInstance(r -> r.dbInstanceIdentifier("x").dbClusterIdentifier("nosuch")
        .engine("aurora-postgresql").dbInstanceClass("db.r6g.large")))
        .isInstanceOf(DbClusterNotFoundException.class);
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.createDBInstance(r -> r
        .dbInstanceIdentifier("x").dbClusterIdentifier("svc").engine("aurora-mysql").dbInstanceClass("db.r6g.large")));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(e.getMessage()).contains("doesn't match the engine name of your DB cluster (aurora-postgresql)");
  }

  @Test
  void settingsTheClusterManagesAreRefusedOnAMemberAsRdsRefusesThem() {
    RdsException e = catchThrowableOfType(RdsException.class, () -> member("x", r -> r.masterUserPassword("Passw0rdPassw0rd")));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(e.getMessage()).contains("The requested DB Instance will be a member of a DB Cluster. Set master user "
        + "password for the DB Cluster.").doesNotContain("Passw0rdPassw0rd");
    assertRds(() -> member("x", r -> r.allocatedStorage(20)), "InvalidParameterCombination", 400);
    assertRds(() -> member("x", r -> r.backupRetentionPeriod(7)), "InvalidParameterCombination", 400);
    assertRds(() -> member("x", r -> r.vpcSecurityGroupIds("sg-1")), "InvalidParameterCombination", 400);
    assertRds(() -> member("x", r -> r.engineVersion("15.6")), "InvalidParameterCombination", 400);
    assertRds(() -> member("x", r -> r.promotionTier(16)), "InvalidParameterValue", 400);

    member("x", r -> r.engineVersion("16.4").promotionTier(2).publiclyAccessible(false));
    assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("x")).dbInstances().get(0).promotionTier()).isEqualTo(2);
  }

  @Test
  void aMemberIsModifiedOnlyInWhatItOwnsAndIsNeverSnapshottedAlone() {
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.modifyDBInstance(r -> r
        .dbInstanceIdentifier("svc-1").backupRetentionPeriod(7)));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified DB Instance is a member of a cluster. Modify backup "
        + "retention for the DB Cluster using the ModifyDbCluster API");
    assertRds(() -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("svc-1").masterUserPassword("Passw0rdPassw0rd")),
        "InvalidParameterCombination", 400);
    assertRds(() -> rds.createDBSnapshot(r -> r.dbInstanceIdentifier("svc-1").dbSnapshotIdentifier("s")),
        "InvalidParameterValue", 400);
    assertRds(() -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("svc-1").finalDBSnapshotIdentifier("s")),
        "InvalidParameterValue", 400);
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("svc-1").autoMinorVersionUpgrade(false));
  }

  @Test
  void aClusterIsModifiedOnlyWhenAvailableAndWithinRdsRules() {
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").vpcSecurityGroupIds("sg-2"));
    assertThatThrownBy(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").backupRetentionPeriod(3)))
        .isInstanceOfSatisfying(InvalidDbClusterStateException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    clock.advance(Duration.ofMinutes(2));
    assertRds(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").backupRetentionPeriod(0)),
        "InvalidParameterValue", 400);
    assertRds(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").masterUserPassword("short")),
        "InvalidParameterValue", 400);
    assertRds(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc")
        .cloudwatchLogsExportConfiguration(c -> c.enableLogTypes("slowquery"))), "InvalidParameterCombination", 400);
    assertThatThrownBy(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("nosuch").backupRetentionPeriod(3)))
        .isInstanceOf(DbClusterNotFoundException.class);
  }

  @Test
  void aModifyThatChangesNothingStartsNoActivity() {
    var c = rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").backupRetentionPeriod(1)
        .vpcSecurityGroupIds("sg-0fa4e0c1d2b3a4f50").applyImmediately(true)).dbCluster();
    assertThat(c.status()).isEqualTo("available");
    assertThat(c.pendingModifiedValues()).isNull();
  }

  @Test
  void iamAuthenticationAndLogExportsArePendingWhileModifying() {
    var c = rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").enableIAMDatabaseAuthentication(true)
        .cloudwatchLogsExportConfiguration(e -> e.enableLogTypes("postgresql"))).dbCluster();
    assertThat(c.iamDatabaseAuthenticationEnabled()).isFalse();
    assertThat(c.pendingModifiedValues().iamDatabaseAuthenticationEnabled()).isTrue();
    assertThat(c.pendingModifiedValues().pendingCloudwatchLogsExports().logTypesToEnable()).containsExactly("postgresql");
    clock.advance(Duration.ofMinutes(2));
    var done = rds.describeDBClusters(r -> r.dbClusterIdentifier("svc")).dbClusters().get(0);
    assertThat(done.iamDatabaseAuthenticationEnabled()).isTrue();
    assertThat(done.enabledCloudwatchLogsExports()).containsExactly("postgresql");
  }

  @Test
  void serverlessMembersNeedTheClustersScalingConfigurationWhichAModifyChangesAtOnce() {
    assertRds(() -> member("x", r -> r.dbInstanceClass("db.serverless")), "InvalidParameterCombination", 400);
    assertRds(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc")
        .serverlessV2ScalingConfiguration(c -> c.minCapacity(8.0).maxCapacity(4.0))), "InvalidParameterValue", 400);
    assertRds(() -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc")
        .serverlessV2ScalingConfiguration(c -> c.minCapacity(0.7).maxCapacity(4.0))), "InvalidParameterValue", 400);

    var c = rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc")
        .serverlessV2ScalingConfiguration(s -> s.minCapacity(0.5).maxCapacity(16.0))).dbCluster();
    assertThat(c.status()).isEqualTo("available");
    assertThat(c.serverlessV2ScalingConfiguration().maxCapacity()).isEqualTo(16.0);
    member("x", r -> r.dbInstanceClass("db.serverless"));
    rds.modifyDBInstance(r -> r.dbInstanceIdentifier("svc-1").dbInstanceClass("db.serverless").applyImmediately(true));
  }

  @Test
  void deleteNeedsAFinalSnapshotOrItsSkippingAndRespectsDeletionProtection() {
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier("svc-1"));
    assertRds(() -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc")), "InvalidParameterCombination", 400);
    assertRds(() -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc").skipFinalSnapshot(true)
        .finalDBSnapshotIdentifier("f")), "InvalidParameterCombination", 400);
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").deletionProtection(true));
    assertRds(() -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc").skipFinalSnapshot(true)),
        "InvalidParameterCombination", 400);
    rds.modifyDBCluster(r -> r.dbClusterIdentifier("svc").deletionProtection(false));
    rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc").skipFinalSnapshot(true));
    assertThatThrownBy(() -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("svc").skipFinalSnapshot(true)))
        .isInstanceOf(InvalidDbClusterStateException.class);
  }

  @Test
  void clusterTagsFollowRdsTagRulesAndTheirHistoryIsKept() {
    String arn = rds.clusterArn("svc");
    rds.addTagsToResource(r -> r.resourceName(arn).tags(tag("a", "1"), tag("b", "2")));
    rds.removeTagsFromResource(r -> r.resourceName(arn).tagKeys("a", "zz"));
    assertThat(rds.listTagsForResource(r -> r.resourceName(arn)).tagList()).containsExactly(tag("b", "2"));
    assertRds(() -> rds.addTagsToResource(r -> r.resourceName(arn).tags(tag("aws:x", "1"))), "InvalidParameterValue", 400);
    assertRds(() -> rds.addTagsToResource(r -> r.resourceName(arn).tags(IntStream.range(0, 50)
        .mapToObj(n -> tag("k" + n, "v")).toList())), "InvalidParameterValue", 400);
    assertRds(() -> rds.listTagsForResource(r -> r.resourceName(rds.clusterArn("nosuch"))), "DBClusterNotFoundFault", 404);
    assertThat(rds.clusterHistory("svc").orElseThrow().tags()).extracting(InstanceHistory.TagChange::operation)
        .containsExactly("givenCluster", "AddTagsToResource", "RemoveTagsFromResource");
    Map<String, String> memberTags = rds.listTagsForResource(r -> r.resourceName(rds.instanceArn("svc-1"))).tagList()
        .stream().collect(Collectors.toMap(Tag::key, Tag::value));
    assertThat(memberTags).isEmpty();
  }

  @Test
  void clusterSnapshotsAndParameterGroupsAreTaggedByTheirArns() {
    rds.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("snap").tagList(tag("k", "v")));
    String snapshotArn = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap";
    rds.addTagsToResource(r -> r.resourceName(snapshotArn).tags(tag("k2", "v2")));
    assertThat(rds.listTagsForResource(r -> r.resourceName(snapshotArn)).tagList()).containsExactly(tag("k", "v"),
        tag("k2", "v2"));
    rds.givenClusterParameterGroup("apg", "aurora-postgresql16");
    rds.addTagsToResource(r -> r.resourceName("arn:aws:rds:us-east-1:123456789012:cluster-pg:apg").tags(tag("x", "y")));
    assertRds(() -> rds.listTagsForResource(r -> r.resourceName(
        "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nosuch")), "DBClusterSnapshotNotFoundFault", 404);
  }

  @Test
  void clusterFieldsTheFakeDoesNotSimulateAreRefusedUnlessATestOptsIn() {
    UnsupportedByFakeRdsException e = catchThrowableOfType(UnsupportedByFakeRdsException.class, () -> rds
        .modifyDBCluster(r -> r.dbClusterIdentifier("svc").engineVersion("16.6")));
    assertThat(e.operation()).isEqualTo("ModifyDBCluster");
    assertThat(e.field()).contains("EngineVersion");
    assertThat(rds.calls().all()).last().satisfies(c -> assertThat(c.errorCode()).contains("UnsupportedByFake"));

    FakeRds lenient = FakeRds.builder().ignoring("RestoreDBClusterFromSnapshot", "EngineMode").build();
    lenient.givenClusterSnapshot(s -> s.dbClusterSnapshotIdentifier("snap"));
    lenient.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("c").snapshotIdentifier("snap")
        .engine("aurora-postgresql").engineMode("provisioned"));
    assertThat(lenient.calls().all()).last().satisfies(c -> assertThat(c.ignoredFields()).containsExactly("EngineMode"));
    assertThatThrownBy(() -> FakeRds.builder().ignoring("ModifyDBCluster", "MasterUserPassword"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeRds.builder().handling("ModifyDBCluster", "EngineVersion", (r, i) -> { }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describeClustersFiltersAndPagesAsRdsDocumentsIt() {
    List<String> ids = IntStream.range(0, 45).mapToObj(n -> String.format("page%02d", n)).toList();
    ids.forEach(id -> rds.givenCluster(r -> r.dbClusterIdentifier(id).engine("aurora-mysql").masterUsername("root")
        .masterUserPassword("Passw0rdPassw0rd")));

    var first = rds.describeDBClusters(r -> r.maxRecords(20).filters(f -> f.name("engine").values("aurora-mysql")));
    assertThat(first.dbClusters()).hasSize(20);
    assertThat(first.marker()).isNotNull();
    assertThat(rds.describeDBClustersPaginator(r -> r.maxRecords(20)).dbClusters().stream()
        .map(c -> c.dbClusterIdentifier()).toList()).hasSize(46).contains("svc");
    assertThat(rds.describeDBClusters(r -> r.filters(f -> f.name("db-cluster-id").values("PAGE01",
        rds.clusterArn("page02"), "nosuch", "arn:aws:rds:eu-west-1:123456789012:cluster:page03"))).dbClusters())
        .extracting(c -> c.dbClusterIdentifier()).containsExactly("page01", "page02");
    List<String> tooMany = IntStream.range(0, 101).mapToObj(n -> "c" + n).toList();
    RdsException e = catchThrowableOfType(RdsException.class, () -> rds.describeDBClusters(r -> r
        .filters(f -> f.name("db-cluster-id").values(tooMany))));
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
    assertThat(e.getMessage()).contains("Only up to 100 unique filter DB Cluster Identifiers may be specified per filter");
    assertRds(() -> rds.describeDBInstances(r -> r.filters(f -> f.name("db-cluster-id").values(tooMany))),
        "InvalidParameterCombination", 400);
    assertRds(() -> rds.describeDBClusters(r -> r.maxRecords(19)), "InvalidParameterValue", 400);
    assertRds(() -> rds.describeDBClusters(r -> r.filters(f -> f.name("nosuch").values("x"))), "InvalidParameterValue", 400);
    assertThatThrownBy(() -> rds.describeDBClusters(r -> r.dbClusterIdentifier("nosuch")))
        .isInstanceOfSatisfying(DbClusterNotFoundException.class, x -> assertThat(x.statusCode()).isEqualTo(404));
  }
}
