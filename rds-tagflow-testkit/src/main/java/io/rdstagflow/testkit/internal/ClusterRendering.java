package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.model.ClusterPendingModifiedValues;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.MasterUserSecret;
import software.amazon.awssdk.services.rds.model.PendingCloudwatchLogsExports;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * The simulated clusters as the SDK's response shapes show them, and what a member instance's
 * description takes from its cluster. Pure: reads, never writes (but for the writer, which a
 * failover picks on the first read after the old one is deleted).
 */
final class ClusterRendering {

  /** The hosted zone the fake's endpoints are in, as for instances. */
  private static final String HOSTED_ZONE = "Z2R2ITUGPM61AM";

  private final Arns arns;

  ClusterRendering(Arns arns) {
    this.arns = arns;
  }

  /** The cluster as DescribeDBClusters shows it at {@code now}; settled by the caller. */
  DBCluster cluster(SimCluster c, Instant now) {
    List<SimInstance> members = c.liveMembers();
    SimInstance writer = c.writer(now);
    DBCluster.Builder b = DBCluster.builder()
        .dbClusterIdentifier(c.id)
        .dbClusterArn(c.arn)
        .dbClusterResourceId(c.resourceId)
        .engine(c.engine)
        .engineVersion(c.engineVersion)
        .engineMode("provisioned")
        .status(c.statusAt(now))
        .masterUsername(c.masterUsername)
        .databaseName(c.databaseName)
        .dbClusterParameterGroup(c.parameterGroup)
        .storageEncrypted(c.storageEncrypted)
        .kmsKeyId(c.kmsKeyId)
        // Aurora's storage grows by itself; RDS shows 1 and the type "aurora".
        .allocatedStorage(1)
        .storageType("aurora")
        .multiAZ(members.stream().map(m -> m.availabilityZone).distinct().count() > 1)
        .availabilityZones(arns.region() + "a", arns.region() + "b", arns.region() + "c")
        .hostedZoneId(HOSTED_ZONE)
        .autoMinorVersionUpgrade(true)
        .httpEndpointEnabled(false)
        .crossAccountClone(false)
        .networkType("IPV4")
        .associatedRoles(List.of())
        .readReplicaIdentifiers(List.of())
        .domainMemberships(List.of())
        .dbClusterMembers(members.stream().map(m -> DBClusterMember.builder()
            .dbInstanceIdentifier(m.id)
            .isClusterWriter(m == writer)
            .dbClusterParameterGroupStatus(c.parameterStatusOf(m, now))
            .promotionTier(c.promotionTiers.getOrDefault(m, 1)).build()).toList())
        .pendingModifiedValues(pending(c))
        .tagList(Rendering.tags(c.tags));
    c.settings.forEach((s, v) -> s.render(b, v));
    // RDS has no endpoint and no create time to show until the cluster has been created.
    if (c.clusterCreateTime != null) {
      b.clusterCreateTime(c.clusterCreateTime)
          .earliestRestorableTime(c.clusterCreateTime)
          .latestRestorableTime(now)
          .endpoint(c.id + ".cluster-c9akciq32fake." + arns.region() + ".rds.amazonaws.com")
          .readerEndpoint(c.id + ".cluster-ro-c9akciq32fake." + arns.region()
              + ".rds.amazonaws.com");
    }
    return b.build();
  }

  /** A create's or restore's response shows the cluster {@code creating}, however short. */
  DBCluster creating(SimCluster c, Instant now) {
    return cluster(c, now).toBuilder().status("creating").clusterCreateTime(null)
        .earliestRestorableTime(null).latestRestorableTime(null).endpoint(null)
        .readerEndpoint(null).build();
  }

  /**
   * The changes of a modify under way, where ClusterPendingModifiedValues has a field for them;
   * {@code null} (absent, as RDS returns it for a cluster) when nothing is pending.
   */
  private static ClusterPendingModifiedValues pending(SimCluster c) {
    if (c.applying.isEmpty() && !c.passwordApplying) {
      return null;
    }
    ClusterPendingModifiedValues.Builder p = ClusterPendingModifiedValues.builder();
    boolean any = c.passwordApplying;
    for (var e : c.applying.entrySet()) {
      e.getKey().renderPending(p, e.getValue());
      any |= e.getKey().hasPendingField();
    }
    if (c.applying.containsKey(ClusterSetting.LOG_EXPORTS)) {
      Object exported = c.get(ClusterSetting.LOG_EXPORTS);
      List<?> now = exported == null ? List.of() : (List<?>) exported;
      List<?> next = (List<?>) c.applying.get(ClusterSetting.LOG_EXPORTS);
      p.pendingCloudwatchLogsExports(PendingCloudwatchLogsExports.builder()
          .logTypesToEnable(next.stream().filter(t -> !now.contains(t)).map(String.class::cast)
              .toList())
          .logTypesToDisable(now.stream().filter(t -> !next.contains(t)).map(String.class::cast)
              .toList())
          .build());
      any = true;
    }
    // RDS shows that a new password is pending, never the password.
    return any ? p.masterUserPassword(c.passwordApplying ? "****" : null).build() : null;
  }

  /**
   * What a member's DescribeDBInstances shows of its cluster, over the instance's own rendering:
   * the cluster's identifier, engine version, master user, database, backup settings, security
   * groups, IAM authentication, encryption and port; Aurora's storage; its promotion tier.
   */
  Consumer<DBInstance.Builder> memberOverlay(SimCluster c, SimInstance i) {
    return b -> {
      b.dbClusterIdentifier(c.id)
          .engineVersion(c.engineVersion)
          .masterUsername(c.masterUsername)
          .dbName(c.databaseName)
          .allocatedStorage(1)
          .storageType("aurora")
          .iops(null)
          .storageThroughput(null)
          .maxAllocatedStorage(null)
          .multiAZ(false)
          .storageEncrypted(c.storageEncrypted)
          .kmsKeyId(c.kmsKeyId)
          .masterUserSecret((MasterUserSecret) null)
          .deletionProtection(false)
          .backupRetentionPeriod((Integer) c.get(ClusterSetting.BACKUP_RETENTION))
          .preferredBackupWindow((String) c.get(ClusterSetting.BACKUP_WINDOW))
          .iamDatabaseAuthenticationEnabled(c.flag(ClusterSetting.IAM_DATABASE_AUTHENTICATION))
          .enabledCloudwatchLogsExports(List.of())
          .promotionTier(c.promotionTiers.getOrDefault(i, 1))
          .vpcSecurityGroups(((List<?>) c.get(ClusterSetting.VPC_SECURITY_GROUPS)).stream()
              .map(g -> VpcSecurityGroupMembership.builder().vpcSecurityGroupId((String) g)
                  .status("active").build()).toList())
          .dbSubnetGroup(DBSubnetGroup.builder()
              .dbSubnetGroupName((String) c.get(ClusterSetting.SUBNET_GROUP))
              .dbSubnetGroupDescription((String) c.get(ClusterSetting.SUBNET_GROUP))
              .subnetGroupStatus("Complete").vpcId("vpc-0fa4e0c1d2b3a4f50").build());
      if (i.instanceCreateTime != null) {
        b.endpoint(Endpoint.builder()
            .address(i.id + ".c9akciq32fake." + arns.region() + ".rds.amazonaws.com")
            .port(c.port()).hostedZoneId(HOSTED_ZONE).build());
      }
    };
  }

  DBClusterSnapshot snapshot(SimClusterSnapshot s, Instant now) {
    boolean done = !now.isBefore(s.availableAt);
    return DBClusterSnapshot.builder()
        .dbClusterSnapshotIdentifier(s.id)
        .dbClusterSnapshotArn(s.arn)
        .dbClusterIdentifier(s.clusterId)
        .snapshotCreateTime(s.createdAt)
        .engine(s.engine)
        .engineVersion(s.engineVersion)
        .engineMode("provisioned")
        .allocatedStorage(1)
        .status(s.statusAt(now))
        .port(s.port)
        .masterUsername(s.masterUsername)
        .snapshotType("manual")
        .percentProgress(done ? 100 : 0)
        .storageEncrypted(s.encrypted)
        .kmsKeyId(s.kmsKeyId)
        .iamDatabaseAuthenticationEnabled(s.iamDatabaseAuthentication)
        .availabilityZones(arns.region() + "a", arns.region() + "b", arns.region() + "c")
        .tagList(Rendering.tags(s.tags))
        .build();
  }

  static DBClusterParameterGroup parameterGroup(SimParameterGroup g) {
    return DBClusterParameterGroup.builder()
        .dbClusterParameterGroupName(g.name)
        .dbParameterGroupFamily(g.family)
        .description(g.description)
        .dbClusterParameterGroupArn(g.arn)
        .build();
  }
}
