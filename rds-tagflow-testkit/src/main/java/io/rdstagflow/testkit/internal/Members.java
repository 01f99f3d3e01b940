package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.UnsupportedByFakeRdsException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The member instances of Aurora clusters: DB instances created with a
 * {@code DBClusterIdentifier}, simulated by {@link Instances} like any instance (their creating,
 * modifying, rebooting, deleting, instance parameter group, tags, faults and history), plus what
 * RDS does differently for them. A member is created only in an {@code available} cluster of its
 * engine; the settings the cluster manages (storage, master user, backups, security groups, port,
 * IAM authentication, log exports, encryption, engine version) are refused on the member with
 * RDS's {@code InvalidParameterCombination} and shown from the cluster; it needs no final snapshot
 * and cannot be snapshotted alone.
 */
final class Members {

  /** What CreateDBInstance refuses for a member: request member to what RDS calls it. */
  private static final Map<String, String> MANAGED_ON_CREATE = managed("MasterUsername",
      "master user name", "MasterUserPassword", "master user password",
      "ManageMasterUserPassword", "master user password management", "MasterUserSecretKmsKeyId",
      "master user secret key", "AllocatedStorage", "allocated storage", "MaxAllocatedStorage",
      "storage autoscaling", "StorageType", "storage type", "Iops", "IOPS", "StorageThroughput",
      "storage throughput", "BackupRetentionPeriod", "backup retention period",
      "PreferredBackupWindow", "backup window", "VpcSecurityGroupIds", "VPC security groups",
      "Port", "port", "MultiAZ", "Multi-AZ", "StorageEncrypted", "storage encryption", "KmsKeyId",
      "KMS key", "EnableIAMDatabaseAuthentication", "IAM database authentication",
      "EnableCloudwatchLogsExports", "CloudWatch Logs exports", "DeletionProtection",
      "deletion protection", "OptionGroupName", "option group", "DBName", "database name",
      "EngineVersion", "engine version", "DBSubnetGroupName", "DB subnet group");

  /** What ModifyDBInstance refuses for a member. */
  private static final Map<String, String> MANAGED_ON_MODIFY = managed("MasterUserPassword",
      "master user password", "ManageMasterUserPassword", "master user password management",
      "MasterUserSecretKmsKeyId", "master user secret key", "AllocatedStorage", "allocated storage",
      "MaxAllocatedStorage", "storage autoscaling", "StorageType", "storage type", "Iops", "IOPS",
      "StorageThroughput", "storage throughput", "BackupRetentionPeriod", "backup retention",
      "PreferredBackupWindow", "backup window", "VpcSecurityGroupIds", "VPC security groups",
      "DBPortNumber", "port", "MultiAZ", "Multi-AZ", "EnableIAMDatabaseAuthentication",
      "IAM database authentication", "CloudwatchLogsExportConfiguration",
      "CloudWatch Logs exports", "DeletionProtection", "deletion protection", "OptionGroupName",
      "option group", "EngineVersion", "the DB engine version", "DBSubnetGroupName",
      "DB subnet group");

  private static Map<String, String> managed(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int k = 0; k < pairs.length; k += 2) {
      m.put(pairs[k], pairs[k + 1]);
    }
    return Map.copyOf(m);
  }

  private final ClusterStore store;
  private final Store instanceStore;
  private final Arns arns;
  private final Instances instances;
  private final Clusters clusters;
  private final ClusterRendering rendering;

  Members(Store instanceStore, Arns arns, Instances instances, Clusters clusters,
      ClusterRendering rendering) {
    this.store = instanceStore.clusters;
    this.instanceStore = instanceStore;
    this.arns = arns;
    this.instances = instances;
    this.clusters = clusters;
    this.rendering = rendering;
  }

  /**
   * CreateDBInstance: a member when the request names a cluster, else an instance as
   * {@link Instances#create} makes it.
   */
  SimInstance create(CreateDbInstanceRequest r, Instant now, String rid, boolean alreadyAvailable) {
    if (r.dbClusterIdentifier() == null) {
      if (r.promotionTier() != null) {
        throw new UnsupportedByFakeRdsException("CreateDBInstance", "PromotionTier",
            "CreateDBInstance with PromotionTier and no DBClusterIdentifier: the fake RDS "
                + "simulates a promotion tier for the members of Aurora clusters only.");
      }
      return instances.create(r, now, rid, alreadyAvailable);
    }
    SimCluster c = clusters.existing(r.dbClusterIdentifier(), now, rid);
    RdsErrors.require("Engine", r.engine(), rid);
    RdsErrors.combinationIf(!r.engine().equalsIgnoreCase(c.engine)
        ? "The engine name requested for your DB instance (" + r.engine() + ") doesn't match "
            + "the engine name of your DB cluster (" + c.engine + ")." : null, rid);
    for (Map.Entry<String, String> e : MANAGED_ON_CREATE.entrySet()) {
      Optional<Object> v = InstanceSpec.field(r, e.getKey());
      // The cluster's own engine version and subnet group may be repeated, as tools do.
      boolean same = v.isPresent() && (e.getKey().equals("EngineVersion")
          && v.get().equals(c.engineVersion) || e.getKey().equals("DBSubnetGroupName")
          && v.get().equals(c.get(ClusterSetting.SUBNET_GROUP)));
      RdsErrors.combinationIf(v.isPresent() && !same
          ? "The requested DB Instance will be a member of a DB Cluster. Set " + e.getValue()
              + " for the DB Cluster." : null, rid);
    }
    int tier = r.promotionTier() == null ? 1 : r.promotionTier();
    RdsErrors.invalidIf(tier < 0 || tier > 15
        ? "PromotionTier must be a value from 0 to 15, not " + tier + "." : null, rid);
    RdsErrors.combinationIf("db.serverless".equals(r.dbInstanceClass())
        && c.get(ClusterSetting.SERVERLESS_V2) == null
        ? "A db.serverless DB instance needs the DB cluster's ServerlessV2ScalingConfiguration; "
            + "set it on the cluster first." : null, rid);
    if (!"available".equals(c.statusAt(now))) {
      throw RdsErrors.error("InvalidDBClusterStateFault", "DB cluster " + c.id + " is "
          + c.statusAt(now) + ": DB instances can be created only in an available cluster.", rid);
    }
    clusters.beforeWrite(c, now);
    CreateDbInstanceRequest asCluster = r.toBuilder().engine(c.engine)
        .engineVersion(c.engineVersion).port(c.port()).dbSubnetGroupName(null).build();
    SimInstance i = instances.create(asCluster, now, rid, alreadyAvailable,
        clusters.timings().memberCreating());
    store.clusterOf.put(i, c);
    c.members.add(i);
    c.promotionTiers.put(i, tier);
    // The first member is the writer; later ones are readers.
    c.writer(now);
    if (r.availabilityZone() == null) {
      // Aurora spreads a cluster's instances over its Availability Zones.
      i.availabilityZone = arns.region() + "abc".charAt((c.members.size() - 1) % 3);
    }
    i.overlays.add(0, rendering.memberOverlay(c, i));
    return i;
  }

  /** {@code r} if it changes nothing the cluster manages for a member; else RDS's refusal. */
  ModifyDbInstanceRequest checkModify(ModifyDbInstanceRequest r, String rid) {
    SimInstance i = live(r.dbInstanceIdentifier());
    if (i == null || !store.clusterOf.containsKey(i)) {
      return r;
    }
    for (Map.Entry<String, String> e : MANAGED_ON_MODIFY.entrySet()) {
      RdsErrors.combinationIf(InstanceSpec.field(r, e.getKey()).isPresent()
          ? "The specified DB Instance is a member of a cluster. Modify " + e.getValue()
              + " for the DB Cluster using the ModifyDbCluster API" : null, rid);
    }
    RdsErrors.combinationIf("db.serverless".equals(r.dbInstanceClass())
        && store.clusterOf.get(i).get(ClusterSetting.SERVERLESS_V2) == null
        ? "A db.serverless DB instance needs the DB cluster's ServerlessV2ScalingConfiguration; "
            + "set it on the cluster first." : null, rid);
    return r;
  }

  /**
   * {@code r} for DeleteDBInstance: a member needs no final snapshot (its data is the cluster's)
   * and cannot have one; its cluster's description changes with it.
   */
  DeleteDbInstanceRequest forDelete(DeleteDbInstanceRequest r, Instant now, String rid) {
    SimInstance i = live(r.dbInstanceIdentifier());
    SimCluster c = i == null ? null : store.clusterOf.get(i);
    if (c == null) {
      return r;
    }
    RdsErrors.invalidIf(r.finalDBSnapshotIdentifier() != null ? snapshotRefusal() : null, rid);
    clusters.settle(c, now);
    clusters.beforeWrite(c, now);
    return r.toBuilder().skipFinalSnapshot(true).build();
  }

  /** CreateDBSnapshot of a member is refused, as RDS refuses it. */
  void refuseSnapshot(SimInstance i, String rid) {
    RdsErrors.invalidIf(store.clusterOf.containsKey(i) ? snapshotRefusal() : null, rid);
  }

  private static String snapshotRefusal() {
    return "The specified instance is a member of a cluster and a snapshot cannot be created "
        + "directly. Please use the CreateDBClusterSnapshot API instead.";
  }

  private SimInstance live(String idOrArn) {
    return idOrArn == null || idOrArn.isEmpty() ? null
        : instanceStore.instances.get(Arns.idFromArnOrId(idOrArn, "db"));
  }

  /** The identifiers of the live members of the clusters named, for DescribeDBInstances. */
  static NavigableSet<String> of(ClusterStore store, Collection<String> clusterIds) {
    NavigableSet<String> ids = new TreeSet<>();
    for (String id : clusterIds) {
      SimCluster c = store.cluster(id);
      if (c != null) {
        c.liveMembers().stream().map(m -> m.id).filter(Objects::nonNull).forEach(ids::add);
      }
    }
    return ids;
  }
}
