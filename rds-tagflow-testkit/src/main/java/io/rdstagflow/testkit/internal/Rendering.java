package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.OptionGroupMembership;
import software.amazon.awssdk.services.rds.model.PendingCloudwatchLogsExports;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.Tag;

/** The simulated resources as the SDK's response shapes show them. Pure: reads, never writes. */
final class Rendering {

  private final Arns arns;

  Rendering(Arns arns) {
    this.arns = arns;
  }

  /** The instance as DescribeDBInstances shows it at {@code now}, the test's overlays included. */
  DBInstance instance(SimInstance i, Instant now) {
    DBInstance.Builder b = DBInstance.builder()
        .dbInstanceIdentifier(i.id)
        .dbInstanceArn(i.arn)
        .dbiResourceId(i.resourceId)
        .engine(i.engine)
        .dbInstanceStatus(i.statusAt(now))
        .masterUsername(i.masterUsername)
        .dbName(i.dbName)
        .availabilityZone(i.availabilityZone)
        .storageEncrypted(i.storageEncrypted)
        .kmsKeyId(i.kmsKeyId)
        .dbInstancePort(0)
        .dbParameterGroups(DBParameterGroupStatus.builder()
            .dbParameterGroupName(i.shownParameterGroup())
            .parameterApplyStatus(i.parameterStatusAt(now)).build())
        .optionGroupMemberships(optionGroups(i))
        .masterUserSecret(ManagedPasswords.render(i))
        .pendingModifiedValues(pending(i))
        .tagList(tags(i.tags));
    i.settings.forEach((s, v) -> s.render(b, v));
    if (i.flag(Setting.PERFORMANCE_INSIGHTS)) {
      // RDS shows the key and the retention only while Performance Insights is on.
      b.performanceInsightsKMSKeyId(i.string(Setting.PERFORMANCE_INSIGHTS_KMS_KEY))
          .performanceInsightsRetentionPeriod(
              (Integer) i.get(Setting.PERFORMANCE_INSIGHTS_RETENTION));
    }
    // RDS has no endpoint and no create time to show until the instance has been created.
    if (i.instanceCreateTime != null) {
      b.instanceCreateTime(i.instanceCreateTime)
          .endpoint(Endpoint.builder()
              .address(i.id + ".c9akciq32fake." + arns.region() + ".rds.amazonaws.com")
              .port(i.integer(Setting.PORT)).hostedZoneId("Z2R2ITUGPM61AM").build());
    }
    for (Consumer<DBInstance.Builder> overlay : i.overlays) {
      overlay.accept(b);
    }
    return b.build();
  }

  /** A create's or restore's response shows the instance {@code creating}, however short. */
  DBInstance creating(SimInstance i, Instant now) {
    return instance(i, now).toBuilder().dbInstanceStatus("creating").instanceCreateTime(null)
        .endpoint((Endpoint) null).build();
  }

  /**
   * The changes of a modify under way and those deferred to the maintenance window, where
   * PendingModifiedValues has a field for them; always present, empty when nothing is pending.
   */
  private static PendingModifiedValues pending(SimInstance i) {
    Changes shown = new Changes();
    shown.absorb(i.modifying());
    shown.absorb(i.deferred);
    PendingModifiedValues.Builder p = PendingModifiedValues.builder();
    shown.values.forEach((s, v) -> s.renderPending(p, v));
    if (shown.changes(Setting.LOG_EXPORTS)) {
      Object exported = i.get(Setting.LOG_EXPORTS);
      List<?> now = exported == null ? List.of() : (List<?>) exported;
      List<?> next = (List<?>) shown.get(Setting.LOG_EXPORTS);
      p.pendingCloudwatchLogsExports(PendingCloudwatchLogsExports.builder()
          .logTypesToEnable(next.stream().filter(t -> !now.contains(t)).map(String.class::cast).toList())
          .logTypesToDisable(now.stream().filter(t -> !next.contains(t)).map(String.class::cast).toList())
          .build());
    }
    // RDS shows that a new password is pending, never the password.
    return p.masterUserPassword(shown.masterPassword ? "****" : null).build();
  }

  /**
   * The option group: {@code in-sync}; while a change is applied the new group is
   * {@code applying} and the old one {@code removing}; while deferred they are
   * {@code pending-maintenance-apply} and {@code pending-maintenance-removal}.
   */
  private static List<OptionGroupMembership> optionGroups(SimInstance i) {
    String current = i.string(Setting.OPTION_GROUP);
    List<OptionGroupMembership> shown = new ArrayList<>();
    String applying = (String) i.modifying().get(Setting.OPTION_GROUP);
    String deferred = (String) i.deferred.get(Setting.OPTION_GROUP);
    if (applying != null) {
      shown.add(membership(applying, "applying"));
      shown.add(membership(current, "removing"));
    } else if (deferred != null) {
      shown.add(membership(deferred, "pending-maintenance-apply"));
      shown.add(membership(current, "pending-maintenance-removal"));
    } else if (current != null) {
      shown.add(membership(current, "in-sync"));
    }
    return shown;
  }

  private static OptionGroupMembership membership(String name, String status) {
    return OptionGroupMembership.builder().optionGroupName(name).status(status).build();
  }

  DBSnapshot snapshot(SimSnapshot s, Instant now) {
    boolean done = !now.isBefore(s.availableAt);
    return DBSnapshot.builder()
        .dbSnapshotIdentifier(s.id)
        .dbSnapshotArn(s.arn)
        .dbInstanceIdentifier(s.instanceId)
        .snapshotCreateTime(s.createdAt)
        .engine(s.engine)
        .engineVersion(s.engineVersion)
        .allocatedStorage(s.allocatedStorage)
        .status(s.statusAt(now))
        .port(s.port)
        .availabilityZone(arns.region() + "a")
        .masterUsername(s.masterUsername)
        .snapshotType("manual")
        .percentProgress(done ? 100 : 0)
        .storageType(s.storageType)
        .iops(s.iops)
        .encrypted(s.encrypted)
        .tagList(tags(s.tags))
        .build();
  }

  static DBParameterGroup parameterGroup(SimParameterGroup g) {
    return DBParameterGroup.builder()
        .dbParameterGroupName(g.name)
        .dbParameterGroupFamily(g.family)
        .description(g.description)
        .dbParameterGroupArn(g.arn)
        .build();
  }

  static List<Tag> tags(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }
}
