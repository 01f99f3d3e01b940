package io.rdstagflow.testkit.internal;

import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.rds.model.ClusterPendingModifiedValues;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.ServerlessV2ScalingConfiguration;
import software.amazon.awssdk.services.rds.model.ServerlessV2ScalingConfigurationInfo;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * A DB cluster setting the fake simulates: the request member that sets it (the same in
 * CreateDBCluster, both restores and ModifyDBCluster, but for the log exports), when
 * ModifyDBCluster applies a change of it, and where DescribeDBClusters shows it and its pending
 * value.
 *
 * <p>The timings follow the Aurora user guide's table of cluster settings ("Modifying an Amazon
 * Aurora DB cluster"): backup retention and window, maintenance window, deletion protection and
 * copying tags "occur immediately" whatever {@code ApplyImmediately} says, so the fake applies them
 * with the call ({@link Timing#AT_ONCE}); the others are applied while the cluster is
 * {@code modifying} ({@link Timing#WITH_MODIFYING}). None waits for the maintenance window:
 * EngineVersion, the setting that would, is not simulated.
 */
enum ClusterSetting {
  BACKUP_RETENTION("BackupRetentionPeriod", Timing.AT_ONCE,
      (b, v) -> b.backupRetentionPeriod((Integer) v), null),
  BACKUP_WINDOW("PreferredBackupWindow", Timing.AT_ONCE,
      (b, v) -> b.preferredBackupWindow((String) v), null),
  MAINTENANCE_WINDOW("PreferredMaintenanceWindow", Timing.AT_ONCE,
      (b, v) -> b.preferredMaintenanceWindow((String) v), null),
  DELETION_PROTECTION("DeletionProtection", Timing.AT_ONCE,
      (b, v) -> b.deletionProtection((Boolean) v), null),
  COPY_TAGS_TO_SNAPSHOT("CopyTagsToSnapshot", Timing.AT_ONCE,
      (b, v) -> b.copyTagsToSnapshot((Boolean) v), null),
  VPC_SECURITY_GROUPS("VpcSecurityGroupIds", Timing.WITH_MODIFYING,
      (b, v) -> b.vpcSecurityGroups(((List<?>) v).stream()
          .map(g -> VpcSecurityGroupMembership.builder().vpcSecurityGroupId((String) g)
              .status("active").build()).toList()), null),
  PORT("Port", Timing.WITH_MODIFYING, (b, v) -> b.port((Integer) v), null),
  IAM_DATABASE_AUTHENTICATION("EnableIAMDatabaseAuthentication", Timing.WITH_MODIFYING,
      (b, v) -> b.iamDatabaseAuthenticationEnabled((Boolean) v),
      (p, v) -> p.iamDatabaseAuthenticationEnabled((Boolean) v)),
  /**
   * {@code EnableCloudwatchLogsExports} when creating or restoring, a
   * {@code CloudwatchLogsExportConfiguration} in ModifyDBCluster; pending as
   * {@code PendingCloudwatchLogsExports}, which {@link ClusterRendering} derives.
   */
  LOG_EXPORTS("EnableCloudwatchLogsExports", Timing.WITH_MODIFYING,
      (b, v) -> b.enabledCloudwatchLogsExports(((List<?>) v).stream().map(String.class::cast)
          .toList()), null),
  /**
   * Aurora Serverless v2's capacity range, which members of class {@code db.serverless} need;
   * a change scales the members without an outage, so the fake applies it with the call.
   */
  SERVERLESS_V2("ServerlessV2ScalingConfiguration", Timing.AT_ONCE,
      (b, v) -> {
        ServerlessV2ScalingConfiguration c = (ServerlessV2ScalingConfiguration) v;
        b.serverlessV2ScalingConfiguration(ServerlessV2ScalingConfigurationInfo.builder()
            .minCapacity(c.minCapacity()).maxCapacity(c.maxCapacity())
            .secondsUntilAutoPause(c.secondsUntilAutoPause()).build());
      }, null),
  /** Set when creating or restoring; ModifyDBCluster has no member for it. */
  SUBNET_GROUP("DBSubnetGroupName", Timing.WITH_MODIFYING,
      (b, v) -> b.dbSubnetGroup((String) v), null);

  /** When ModifyDBCluster applies a change of a setting. */
  enum Timing {
    /** While {@code modifying}. */
    WITH_MODIFYING,
    /** With the call, without a status change. */
    AT_ONCE
  }

  private final String member;
  private final Timing timing;
  private final BiConsumer<DBCluster.Builder, Object> render;
  private final BiConsumer<ClusterPendingModifiedValues.Builder, Object> pending;

  ClusterSetting(String member, Timing timing, BiConsumer<DBCluster.Builder, Object> render,
      BiConsumer<ClusterPendingModifiedValues.Builder, Object> pending) {
    this.member = member;
    this.timing = timing;
    this.render = render;
    this.pending = pending;
  }

  /** The member that sets it in CreateDBCluster and the restores. */
  String createMember() {
    return member;
  }

  /** The member that sets it in ModifyDBCluster, or {@code null} when there is none. */
  String modifyMember() {
    return switch (this) {
      case LOG_EXPORTS -> "CloudwatchLogsExportConfiguration";
      case SUBNET_GROUP -> null;
      default -> member;
    };
  }

  Timing timing() {
    return timing;
  }

  /** Writes {@code value} (never {@code null}) into a description. */
  void render(DBCluster.Builder b, Object value) {
    render.accept(b, value);
  }

  /** {@code true} if ClusterPendingModifiedValues has a field for it. */
  boolean hasPendingField() {
    return pending != null;
  }

  /** Writes a pending {@code value} into ClusterPendingModifiedValues, where it has a field. */
  void renderPending(ClusterPendingModifiedValues.Builder p, Object value) {
    if (pending != null) {
      pending.accept(p, value);
    }
  }
}
