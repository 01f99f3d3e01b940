package io.rdstagflow.testkit.conformance;

import io.rdstagflow.testkit.conformance.MotoConformanceTest.Observed;
import io.rdstagflow.testkit.conformance.MotoConformanceTest.Scenario;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * The conformance scenarios of the Aurora cluster calls the ready cluster flows make: restores
 * from cluster snapshots and to a point in time, members through CreateDBInstance with a
 * {@code DBClusterIdentifier}, DescribeDBClusters (by identifier, the {@code db-cluster-id} filter,
 * paging) and DescribeDBInstances' {@code db-cluster-id}, ModifyDBCluster, a member's modify,
 * reboot and delete, DeleteDBCluster, cluster tags, cluster snapshots and cluster parameter
 * groups. Run by {@link MotoConformanceTest} with its own scenarios; the same rules apply: where
 * moto differs from RDS's documentation, the fake follows RDS and moto's value is pinned here and
 * listed in docs/fidelity.md.
 */
final class ClusterScenarios {

  private static final String ENGINE = "aurora-postgresql";
  private static final String PASSWORD = "Passw0rdPassw0rd";

  private ClusterScenarios() {}

  private static Tag tag(String k, String v) {
    return Tag.builder().key(k).value(v).build();
  }

  private static String arn(String id) {
    return "arn:aws:rds:us-east-1:123456789012:cluster:" + id;
  }

  /** CreateDBCluster, in both: how a scenario gets a source cluster for a snapshot. */
  private static void cluster(RdsClient rds, String id, Tag... tags) {
    rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine(ENGINE).engineVersion("16.4")
        .masterUsername("admin").masterUserPassword(PASSWORD).tags(tags));
  }

  /** A source cluster, available, and an available snapshot of it. */
  private static void snapshot(RdsClient rds, Runnable settle, String source, String snapshot, Tag... tags) {
    cluster(rds, source, tags);
    settle.run();
    rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier(source).dbClusterSnapshotIdentifier(snapshot));
    settle.run();
  }

  private static void restore(RdsClient rds, String id, String snapshot, Tag... tags) {
    rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier(id).snapshotIdentifier(snapshot).engine(ENGINE)
        .tags(tags));
  }

  private static void member(RdsClient rds, String cluster, String id, Tag... tags) {
    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbClusterIdentifier(cluster).engine(ENGINE)
        .dbInstanceClass("db.r6g.large").tags(tags));
  }

  private static DBCluster describe(RdsClient rds, String id) {
    return rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().get(0);
  }

  private static DBInstance instance(RdsClient rds, String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private static List<String> ids(DescribeDbClustersResponse r) {
    return r.dbClusters().stream().map(DBCluster::dbClusterIdentifier).toList();
  }

  private static List<String> members(DBCluster c) {
    return c.dbClusterMembers().stream().map(m -> m.dbInstanceIdentifier() + (m.isClusterWriter() ? "/writer"
        : "/reader") + "/" + m.dbClusterParameterGroupStatus() + "/" + m.promotionTier()).toList();
  }

  private static List<String> membersOf(RdsClient rds, String... clusters) {
    return rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-cluster-id").values(clusters).build()))
        .dbInstances().stream().map(DBInstance::dbInstanceIdentifier).sorted().toList();
  }

  private static List<String> securityGroups(DBCluster c) {
    return c.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList();
  }

  /** Which of the fields a broker reads are present in a cluster's describe. */
  private static void shape(Observed out, String key, DBCluster c) {
    List<String> fields = List.of("DBClusterIdentifier", "DBClusterArn", "Engine", "EngineVersion", "Status",
        "MasterUsername", "Endpoint", "ReaderEndpoint", "Port", "DBClusterParameterGroup", "BackupRetentionPeriod",
        "PreferredBackupWindow", "VpcSecurityGroups", "DBClusterMembers", "PendingModifiedValues", "TagList",
        "DbClusterResourceId", "StorageEncrypted", "DeletionProtection", "IAMDatabaseAuthenticationEnabled");
    out.put(key, fields.stream().filter(f -> c.getValueForField(f, Object.class).isPresent()).toList());
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        scenario("cluster restore from a cluster snapshot: status, settings, tags and shape", (rds, settle, out) -> {
          snapshot(rds, settle, "conf-csrc", "conf-csnap", tag("team", "blue"));
          rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("conf-cpg")
              .dbParameterGroupFamily("aurora-postgresql16").description("conformance"));
          DBCluster response = rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("conf-crestore")
              .snapshotIdentifier("conf-csnap").engine(ENGINE).engineVersion("16.4").vpcSecurityGroupIds("sg-12345678")
              .dbClusterParameterGroupName("conf-cpg").tags(tag("tagflow:flow", "op=1"))).dbCluster();
          out.put("responseStatus", response.status());
          out.put("responseId", response.dbClusterIdentifier());
          settle.run();
          DBCluster c = describe(rds, "conf-crestore");
          out.put("status", c.status());
          out.put("engine", c.engine());
          out.put("version", c.engineVersion());
          out.put("user", c.masterUsername());
          out.put("port", c.port());
          out.put("arn", c.dbClusterArn());
          out.put("parameterGroup", c.dbClusterParameterGroup());
          out.put("securityGroups", securityGroups(c));
          out.put("members", members(c));
          out.tags("tags", c.tagList());
          shape(out, "shape", c);
        }, Map.of()),
        scenario("cluster restore without tags copies the source's tags; identifiers in lower case", (rds, settle, out) -> {
          snapshot(rds, settle, "conf-csrc2", "conf-csnap2", tag("team", "blue"));
          restore(rds, "Conf-Copy2", "conf-csnap2");
          settle.run();
          DBCluster c = describe(rds, "conf-copy2");
          out.put("id", c.dbClusterIdentifier());
          out.tags("tags", c.tagList());
        }, Map.of("tags", "{}")),
        scenario("Serverless v2: a restore with a scaling configuration and a db.serverless member", (rds, settle, out) -> {
          snapshot(rds, settle, "conf-sls", "conf-slsnap");
          rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier("conf-sl").snapshotIdentifier("conf-slsnap")
              .engine(ENGINE).serverlessV2ScalingConfiguration(c -> c.minCapacity(0.5).maxCapacity(8.0)));
          settle.run();
          var scaling = describe(rds, "conf-sl").serverlessV2ScalingConfiguration();
          out.put("min", scaling == null ? null : scaling.minCapacity());
          out.put("max", scaling == null ? null : scaling.maxCapacity());
          rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-sl-a").dbClusterIdentifier("conf-sl").engine(ENGINE)
              .dbInstanceClass("db.serverless"));
          settle.run();
          out.put("class", instance(rds, "conf-sl-a").dbInstanceClass());
        }, Map.of()),
        scenario("cluster restore errors: missing snapshot, existing cluster", (rds, settle, out) -> {
          out.call("missingSnapshot", () -> restore(rds, "conf-cx", "conf-nosnap"));
          snapshot(rds, settle, "conf-csrc3", "conf-csnap3");
          out.call("existingCluster", () -> restore(rds, "conf-csrc3", "conf-csnap3"));
        }, Map.of("existingCluster", "DBClusterSnapshotAlreadyExistsFault/400")),
        scenario("members: CreateDBInstance with DBClusterIdentifier, their own tags, one writer", (rds, settle, out) -> {
          snapshot(rds, settle, "conf-msrc", "conf-msnap");
          restore(rds, "conf-mc", "conf-msnap", tag("tagflow:flow", "op=1"));
          settle.run();
          DBInstance response = rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-mc-a").dbClusterIdentifier("conf-mc")
              .engine(ENGINE).dbInstanceClass("db.r6g.large").tags(tag("role", "writer"))).dbInstance();
          out.put("responseCluster", response.dbClusterIdentifier());
          member(rds, "conf-mc", "conf-mc-b", tag("role", "reader"));
          settle.run();
          DBCluster c = describe(rds, "conf-mc");
          out.put("members", members(c));
          out.tags("clusterTags", c.tagList());
          DBInstance a = instance(rds, "conf-mc-a");
          out.put("a.cluster", a.dbClusterIdentifier());
          out.put("a.engine", a.engine());
          out.put("a.version", a.engineVersion());
          out.put("a.status", a.dbInstanceStatus());
          out.put("a.class", a.dbInstanceClass());
          out.tags("a.tags", a.tagList());
          out.tags("b.tags", rds.listTagsForResource(r -> r.resourceName(
              "arn:aws:rds:us-east-1:123456789012:db:conf-mc-b")).tagList());
        }, Map.of()),
        scenario("members refused: missing cluster, another engine", (rds, settle, out) -> {
          out.call("missingCluster", () -> member(rds, "conf-nocluster", "conf-orphan"));
          cluster(rds, "conf-eng");
          settle.run();
          out.call("otherEngine", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-eng-a")
              .dbClusterIdentifier("conf-eng").engine("aurora-mysql").dbInstanceClass("db.r6g.large")));
        }, Map.of()),
        scenario("a member created right after the restore call, before the cluster is available", (rds, settle, out) -> {
          snapshot(rds, settle, "conf-esrc", "conf-esnap");
          restore(rds, "conf-early", "conf-esnap");
          out.call("member", () -> member(rds, "conf-early", "conf-early-a"));
        }, Map.of("member", "ok")),
        scenario("a member that sets what the cluster manages (master password, storage, retention)", (rds, settle, out) -> {
          cluster(rds, "conf-mng");
          settle.run();
          out.call("password", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-mng-a")
              .dbClusterIdentifier("conf-mng").engine(ENGINE).dbInstanceClass("db.r6g.large").masterUserPassword(PASSWORD)));
          out.call("storage", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("conf-mng-b")
              .dbClusterIdentifier("conf-mng").engine(ENGINE).dbInstanceClass("db.r6g.large").allocatedStorage(20)));
        }, Map.of("password", "ok", "storage", "ok")),
        scenario("DescribeDBInstances with db-cluster-id: the members of the clusters named", (rds, settle, out) -> {
          for (String c : List.of("conf-fa", "conf-fb", "conf-fc")) {
            cluster(rds, c);
            settle.run();
            member(rds, c, c + "-1");
            member(rds, c, c + "-2");
          }
          settle.run();
          out.put("byIdentifier", membersOf(rds, "CONF-FA", "conf-fb", "conf-nosuch"));
          out.put("byArn", membersOf(rds, arn("conf-fc"), arn("conf-ghost")));
        }, Map.of("byArn", "[]")),
        scenario("DescribeDBClusters: db-cluster-id with identifiers and ARNs, 100 pass, 101 refused, missing id", (rds, settle, out) -> {
          IntStream.range(0, 4).forEach(n -> cluster(rds, "conf-dc" + n, tag("n", "" + n)));
          List<String> hundred = new ArrayList<>(List.of("conf-dc0", "CONF-DC1", arn("conf-dc3")));
          IntStream.range(0, 97).forEach(n -> hundred.add("conf-unknown" + n));
          DescribeDbClustersResponse r = rds.describeDBClusters(d -> d.filters(Filter.builder().name("db-cluster-id")
              .values(hundred).build()));
          out.put("hundred", ids(r).stream().sorted().toList());
          r.dbClusters().forEach(c -> out.tags("tags." + c.dbClusterIdentifier(), c.tagList()));
          List<String> hundredAndOne = new ArrayList<>(hundred);
          hundredAndOne.add("conf-last");
          out.call("hundredAndOne", () -> rds.describeDBClusters(d -> d.filters(Filter.builder().name("db-cluster-id")
              .values(hundredAndOne).build())));
          out.call("missing", () -> describe(rds, "conf-nosuch"));
        }, Map.of("hundredAndOne", "ok")),
        scenario("DescribeDBClusters paging: MaxRecords 20 over 25 clusters", (rds, settle, out) -> {
          IntStream.range(0, 25).forEach(n -> cluster(rds, String.format("conf-pc%02d", n)));
          DescribeDbClustersResponse first = rds.describeDBClusters(r -> r.maxRecords(20));
          out.put("first", first.dbClusters().size());
          out.put("firstHasMarker", first.marker() != null);
          List<String> all = rds.describeDBClustersPaginator(r -> r.maxRecords(20)).dbClusters().stream()
              .map(DBCluster::dbClusterIdentifier).toList();
          out.put("paginatorTotal", all.size());
          out.put("paginatorDistinct", new HashSet<>(all).size());
        }, Map.of("first", "25", "firstHasMarker", "false")),
        scenario("ModifyDBCluster: retention, security groups, parameter group, master password: end state", (rds, settle, out) -> {
          cluster(rds, "conf-cmod");
          settle.run();
          rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("conf-cmodpg")
              .dbParameterGroupFamily("aurora-postgresql16").description("conformance"));
          DBCluster response = rds.modifyDBCluster(r -> r.dbClusterIdentifier("conf-cmod").applyImmediately(true)
              .backupRetentionPeriod(7).vpcSecurityGroupIds("sg-12345678").dbClusterParameterGroupName("conf-cmodpg")
              .masterUserPassword("An0therPassw0rd")).dbCluster();
          out.put("echoed", response.toString().contains("An0therPassw0rd"));
          out.put("responseRetention", response.backupRetentionPeriod());
          settle.run();
          DBCluster c = describe(rds, "conf-cmod");
          out.put("status", c.status());
          out.put("retention", c.backupRetentionPeriod());
          out.put("securityGroups", securityGroups(c));
          out.put("parameterGroup", c.dbClusterParameterGroup());
          out.put("pending", c.pendingModifiedValues());
        }, Map.of()),
        scenario("ModifyDBCluster of a missing cluster", (rds, settle, out) ->
            out.call("error", () -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("conf-nomod").backupRetentionPeriod(3))),
            Map.of("error", "null/500")),
        scenario("a member's class change and reboot: end state", (rds, settle, out) -> {
          cluster(rds, "conf-mm");
          settle.run();
          member(rds, "conf-mm", "conf-mm-a");
          settle.run();
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier("conf-mm-a").dbInstanceClass("db.r6g.xlarge").applyImmediately(true));
          settle.run();
          out.put("class", instance(rds, "conf-mm-a").dbInstanceClass());
          rds.rebootDBInstance(r -> r.dbInstanceIdentifier("conf-mm-a"));
          settle.run();
          out.put("status", instance(rds, "conf-mm-a").dbInstanceStatus());
          out.put("members", members(describe(rds, "conf-mm")));
        }, Map.of()),
        scenario("a new cluster parameter group: members pending-reboot until each is rebooted", (rds, settle, out) -> {
          cluster(rds, "conf-cpr");
          settle.run();
          member(rds, "conf-cpr", "conf-cpr-a");
          member(rds, "conf-cpr", "conf-cpr-b");
          settle.run();
          rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("conf-cprpg")
              .dbParameterGroupFamily("aurora-postgresql16").description("conformance"));
          rds.modifyDBCluster(r -> r.dbClusterIdentifier("conf-cpr").dbClusterParameterGroupName("conf-cprpg"));
          settle.run();
          out.put("before", members(describe(rds, "conf-cpr")));
          rds.rebootDBInstance(r -> r.dbInstanceIdentifier("conf-cpr-a"));
          settle.run();
          out.put("after", members(describe(rds, "conf-cpr")));
        }, Map.of("before", "[conf-cpr-a/writer/in-sync/1, conf-cpr-b/reader/in-sync/1]",
            "after", "[conf-cpr-a/writer/in-sync/1, conf-cpr-b/reader/in-sync/1]")),
        scenario("DeleteDBCluster: refused with members; members then the cluster with a final snapshot", (rds, settle, out) -> {
          cluster(rds, "conf-del");
          settle.run();
          member(rds, "conf-del", "conf-del-a");
          settle.run();
          out.call("withMembers", () -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("conf-del").skipFinalSnapshot(true)));
          out.call("member", () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier("conf-del-a")));
          out.call("cluster", () -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("conf-del")
              .finalDBSnapshotIdentifier("conf-del-final")));
          settle.run();
          out.call("describe", () -> describe(rds, "conf-del"));
          out.put("finalSnapshot", rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("conf-del-final"))
              .dbClusterSnapshots().get(0).status());
        }, Map.of()),
        scenario("DeleteDBCluster without SkipFinalSnapshot or FinalDBSnapshotIdentifier", (rds, settle, out) -> {
          cluster(rds, "conf-del2");
          settle.run();
          out.call("error", () -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("conf-del2")));
        }, Map.of("error", "ok")),
        scenario("cluster tags by ARN: AddTags overwrites, RemoveTags removes the keys named, TagList", (rds, settle, out) -> {
          cluster(rds, "conf-ctags", tag("a", "1"), tag("b", "2"));
          rds.addTagsToResource(r -> r.resourceName(arn("conf-ctags")).tags(tag("a", "9"), tag("c", "3")));
          rds.removeTagsFromResource(r -> r.resourceName(arn("conf-ctags")).tagKeys("b", "zz"));
          out.tags("listed", rds.listTagsForResource(r -> r.resourceName(arn("conf-ctags"))).tagList());
          out.tags("described", describe(rds, "conf-ctags").tagList());
        }, Map.of()),
        scenario("cluster tags outside RDS's rules and on a missing cluster", (rds, settle, out) -> {
          cluster(rds, "conf-crules");
          out.call("fiftyOne", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-crules")).tags(
              IntStream.range(0, 51).mapToObj(n -> tag("k" + n, "v")).toList())));
          out.call("awsPrefix", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-crules")).tags(tag("aws:x", "1"))));
          out.call("missingAdd", () -> rds.addTagsToResource(r -> r.resourceName(arn("conf-ghost")).tags(tag("a", "1"))));
          out.call("missingList", () -> rds.listTagsForResource(r -> r.resourceName(arn("conf-ghost"))));
        }, Map.of("fiftyOne", "ok", "awsPrefix", "ok", "missingAdd", "ok", "missingList", "ok")),
        scenario("cluster parameter groups: create, describe, duplicate, missing", (rds, settle, out) -> {
          var g = rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("conf-pg1")
              .dbParameterGroupFamily("aurora-postgresql16").description("conformance")).dbClusterParameterGroup();
          out.put("arn", g.dbClusterParameterGroupArn());
          var d = rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName("conf-pg1"))
              .dbClusterParameterGroups().get(0);
          out.put("family", d.dbParameterGroupFamily());
          out.put("description", d.description());
          out.call("duplicate", () -> rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("conf-pg1")
              .dbParameterGroupFamily("aurora-postgresql16").description("again")));
          out.call("missing", () -> rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName("conf-nopg")));
        }, Map.of()),
        scenario("cluster snapshots: by identifier, by cluster, missing, duplicate", (rds, settle, out) -> {
          snapshot(rds, settle, "conf-ssrc", "conf-ss1");
          var s = rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("conf-ss1")).dbClusterSnapshots().get(0);
          out.put("status", s.status());
          out.put("cluster", s.dbClusterIdentifier());
          out.put("engine", s.engine());
          out.put("arn", s.dbClusterSnapshotArn());
          out.put("manualOfCluster", rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("conf-ssrc")
              .snapshotType("manual")).dbClusterSnapshots().size());
          out.call("missing", () -> rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("conf-nosnap")));
          out.call("duplicate", () -> rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("conf-ssrc")
              .dbClusterSnapshotIdentifier("conf-ss1")));
        }, Map.of()),
        scenario("RestoreDBClusterToPointInTime: a new cluster from the source's, with the request's tags", (rds, settle, out) -> {
          cluster(rds, "conf-psrc", tag("team", "blue"));
          settle.run();
          rds.modifyDBCluster(r -> r.dbClusterIdentifier("conf-psrc").backupRetentionPeriod(9));
          settle.run();
          DBCluster response = rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("conf-psrc")
              .dbClusterIdentifier("conf-pitr").useLatestRestorableTime(true).tags(tag("tagflow:flow", "op=2")))
              .dbCluster();
          out.put("responseId", response.dbClusterIdentifier());
          settle.run();
          DBCluster c = describe(rds, "conf-pitr");
          out.put("status", c.status());
          out.put("engine", c.engine());
          out.put("version", c.engineVersion());
          out.put("retention", c.backupRetentionPeriod());
          out.put("user", c.masterUsername());
          out.tags("tags", c.tagList());
          out.call("missingSource", () -> rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("conf-nosrc")
              .dbClusterIdentifier("conf-pitr2").useLatestRestorableTime(true)));
        }, Map.of()));
  }

  private static Arguments scenario(String name, Scenario s, Map<String, String> motoDiffers) {
    return Arguments.of(name, s, motoDiffers);
  }
}
