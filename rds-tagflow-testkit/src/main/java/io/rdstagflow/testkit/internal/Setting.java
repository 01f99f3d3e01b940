package io.rdstagflow.testkit.internal;

import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * An instance setting the fake simulates: the request member that sets it (the same name in
 * CreateDBInstance, both restores and ModifyDBInstance, except the port), when ModifyDBInstance
 * applies a change of it, and where DescribeDBInstances shows it and its pending value.
 *
 * <p>The timings follow the ModifyDBInstance API reference and the user guide's table of
 * settings: {@link Timing#DEFERRABLE} settings wait for the maintenance window unless
 * {@code ApplyImmediately}; {@link Timing#WITH_MODIFYING} ones are applied while the instance is
 * {@code modifying} whatever {@code ApplyImmediately} says; {@link Timing#AT_ONCE} ones are applied
 * "as soon as possible" without an outage, so the fake applies them with the call.
 */
enum Setting {
  INSTANCE_CLASS("DBInstanceClass", Timing.DEFERRABLE,
      (b, v) -> b.dbInstanceClass((String) v), (p, v) -> p.dbInstanceClass((String) v)),
  ALLOCATED_STORAGE("AllocatedStorage", Timing.DEFERRABLE,
      (b, v) -> b.allocatedStorage((Integer) v), (p, v) -> p.allocatedStorage((Integer) v)),
  MULTI_AZ("MultiAZ", Timing.DEFERRABLE,
      (b, v) -> b.multiAZ((Boolean) v), (p, v) -> p.multiAZ((Boolean) v)),
  ENGINE_VERSION("EngineVersion", Timing.DEFERRABLE,
      (b, v) -> b.engineVersion((String) v), (p, v) -> p.engineVersion((String) v)),
  STORAGE_TYPE("StorageType", Timing.DEFERRABLE,
      (b, v) -> b.storageType((String) v), (p, v) -> p.storageType((String) v)),
  IOPS("Iops", Timing.DEFERRABLE, (b, v) -> b.iops((Integer) v), (p, v) -> p.iops((Integer) v)),
  STORAGE_THROUGHPUT("StorageThroughput", Timing.DEFERRABLE,
      (b, v) -> b.storageThroughput((Integer) v), (p, v) -> p.storageThroughput((Integer) v)),
  CA_CERTIFICATE("CACertificateIdentifier", Timing.DEFERRABLE,
      (b, v) -> b.caCertificateIdentifier((String) v),
      (p, v) -> p.caCertificateIdentifier((String) v)),
  /** Rendered as {@code OptionGroupMemberships} with statuses; PendingModifiedValues has no field. */
  OPTION_GROUP("OptionGroupName", Timing.DEFERRABLE, (b, v) -> { }, null),
  SUBNET_GROUP("DBSubnetGroupName", Timing.DEFERRABLE,
      (b, v) -> b.dbSubnetGroup(DBSubnetGroup.builder().dbSubnetGroupName((String) v)
          .dbSubnetGroupDescription((String) v).subnetGroupStatus("Complete")
          .vpcId("vpc-0fa4e0c1d2b3a4f50").build()),
      (p, v) -> p.dbSubnetGroupName((String) v)),
  /**
   * Deferrable only between 0 and a non-zero value (which enables or disables backups); from one
   * non-zero value to another it is applied while {@code modifying} (ModifyDBInstance reference).
   */
  BACKUP_RETENTION("BackupRetentionPeriod", Timing.DEFERRABLE,
      (b, v) -> b.backupRetentionPeriod((Integer) v),
      (p, v) -> p.backupRetentionPeriod((Integer) v)),
  VPC_SECURITY_GROUPS("VpcSecurityGroupIds", Timing.WITH_MODIFYING,
      (b, v) -> b.vpcSecurityGroups(((List<?>) v).stream()
          .map(g -> VpcSecurityGroupMembership.builder().vpcSecurityGroupId((String) g)
              .status("active").build()).toList()), null),
  PUBLICLY_ACCESSIBLE("PubliclyAccessible", Timing.WITH_MODIFYING,
      (b, v) -> b.publiclyAccessible((Boolean) v), null),
  IAM_DATABASE_AUTHENTICATION("EnableIAMDatabaseAuthentication", Timing.WITH_MODIFYING,
      (b, v) -> b.iamDatabaseAuthenticationEnabled((Boolean) v),
      (p, v) -> p.iamDatabaseAuthenticationEnabled((Boolean) v)),
  MONITORING_INTERVAL("MonitoringInterval", Timing.WITH_MODIFYING,
      (b, v) -> b.monitoringInterval((Integer) v), null),
  MONITORING_ROLE("MonitoringRoleArn", Timing.WITH_MODIFYING,
      (b, v) -> b.monitoringRoleArn((String) v), null),
  PERFORMANCE_INSIGHTS("EnablePerformanceInsights", Timing.WITH_MODIFYING,
      (b, v) -> b.performanceInsightsEnabled((Boolean) v), null),
  /** Shown only while Performance Insights is on, as RDS shows it. */
  PERFORMANCE_INSIGHTS_KMS_KEY("PerformanceInsightsKMSKeyId", Timing.WITH_MODIFYING,
      (b, v) -> { }, null),
  /** Shown only while Performance Insights is on, as RDS shows it. */
  PERFORMANCE_INSIGHTS_RETENTION("PerformanceInsightsRetentionPeriod", Timing.WITH_MODIFYING,
      (b, v) -> { }, null),
  /** {@code Port} when creating or restoring, {@code DBPortNumber} in ModifyDBInstance. */
  PORT("Port", Timing.WITH_MODIFYING, (b, v) -> { }, (p, v) -> p.port((Integer) v)),
  BACKUP_WINDOW("PreferredBackupWindow", Timing.AT_ONCE,
      (b, v) -> b.preferredBackupWindow((String) v), null),
  MAINTENANCE_WINDOW("PreferredMaintenanceWindow", Timing.AT_ONCE,
      (b, v) -> b.preferredMaintenanceWindow((String) v), null),
  COPY_TAGS_TO_SNAPSHOT("CopyTagsToSnapshot", Timing.AT_ONCE,
      (b, v) -> b.copyTagsToSnapshot((Boolean) v), null),
  DELETION_PROTECTION("DeletionProtection", Timing.AT_ONCE,
      (b, v) -> b.deletionProtection((Boolean) v), null),
  AUTO_MINOR_VERSION_UPGRADE("AutoMinorVersionUpgrade", Timing.AT_ONCE,
      (b, v) -> b.autoMinorVersionUpgrade((Boolean) v), null),
  MAX_ALLOCATED_STORAGE("MaxAllocatedStorage", Timing.AT_ONCE,
      (b, v) -> b.maxAllocatedStorage((Integer) v), null),
  /**
   * The log types exported to CloudWatch Logs: {@code EnableCloudwatchLogsExports} when creating
   * or restoring, a {@code CloudwatchLogsExportConfiguration} (types to enable and to disable) in
   * ModifyDBInstance, "always applied immediately" (API reference); pending as
   * {@code PendingCloudwatchLogsExports}, which {@link Rendering} derives.
   */
  LOG_EXPORTS("EnableCloudwatchLogsExports", Timing.WITH_MODIFYING,
      (b, v) -> b.enabledCloudwatchLogsExports(((List<?>) v).stream().map(String.class::cast)
          .toList()), null);

  /** When ModifyDBInstance applies a change of a setting. */
  enum Timing {
    /** In the maintenance window, or while {@code modifying} with {@code ApplyImmediately}. */
    DEFERRABLE,
    /** While {@code modifying}, whatever {@code ApplyImmediately} says. */
    WITH_MODIFYING,
    /** With the call, without a status change. */
    AT_ONCE
  }

  private final String member;
  private final Timing timing;
  private final BiConsumer<DBInstance.Builder, Object> render;
  private final BiConsumer<PendingModifiedValues.Builder, Object> pending;

  Setting(String member, Timing timing, BiConsumer<DBInstance.Builder, Object> render,
      BiConsumer<PendingModifiedValues.Builder, Object> pending) {
    this.member = member;
    this.timing = timing;
    this.render = render;
    this.pending = pending;
  }

  /** The member that sets it in CreateDBInstance and the restores. */
  String createMember() {
    return member;
  }

  /** The member that sets it in ModifyDBInstance. */
  String modifyMember() {
    return switch (this) {
      case PORT -> "DBPortNumber";
      case LOG_EXPORTS -> "CloudwatchLogsExportConfiguration";
      default -> member;
    };
  }

  Timing timing() {
    return timing;
  }

  /** Writes {@code value} (never {@code null}) into a description. */
  void render(DBInstance.Builder b, Object value) {
    render.accept(b, value);
  }

  /** Writes a pending {@code value} into PendingModifiedValues, where it has a field. */
  void renderPending(PendingModifiedValues.Builder p, Object value) {
    if (pending != null) {
      pending.accept(p, value);
    }
  }
}
