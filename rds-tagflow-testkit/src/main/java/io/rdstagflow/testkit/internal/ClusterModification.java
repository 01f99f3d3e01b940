package io.rdstagflow.testkit.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.model.CloudwatchLogsExportConfiguration;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;

/**
 * ModifyDBCluster: which changes are applied with the call and which while the cluster is
 * {@code modifying}, as each {@link ClusterSetting}'s timing says; a new master password while it
 * is {@code resetting-master-credentials}; a new cluster parameter group {@code applying} on the
 * members, then {@code pending-reboot} on each until it is rebooted.
 */
final class ClusterModification {

  private final Clusters clusters;
  private final ClusterParameterGroups parameterGroups;
  private final Duration parameterApplying;

  /** @param parameterApplying how long a new cluster parameter group shows {@code applying} */
  ClusterModification(Clusters clusters, ClusterParameterGroups parameterGroups,
      Duration parameterApplying) {
    this.clusters = clusters;
    this.parameterGroups = parameterGroups;
    this.parameterApplying = parameterApplying;
  }

  DBCluster modify(ModifyDbClusterRequest r, Instant now, String rid) {
    SimCluster c = clusters.existing(r.dbClusterIdentifier(), now, rid);
    clusters.requireAvailable(c, now, rid);
    if (r.masterUserPassword() != null) {
      RdsErrors.invalidIf(RdsRules.passwordViolation(r.masterUserPassword()), rid);
    }
    String newGroup = null;
    if (r.dbClusterParameterGroupName() != null) {
      String g = r.dbClusterParameterGroupName().toLowerCase(Locale.ROOT);
      if (!g.equals(c.parameterGroup)) {
        newGroup = parameterGroups.groupFor(g, c.engine, c.engineVersion, rid);
      }
    }
    Map<ClusterSetting, Object> during = new EnumMap<>(ClusterSetting.class);
    Map<ClusterSetting, Object> atOnce = new EnumMap<>(ClusterSetting.class);
    Map<ClusterSetting, Object> after = new EnumMap<>(c.settings);
    for (ClusterSetting s : ClusterSetting.values()) {
      if (s.modifyMember() == null) {
        continue;
      }
      Optional<Object> requested = s == ClusterSetting.LOG_EXPORTS
          ? logExportsAfter(c, r) : InstanceSpec.field(r, s.modifyMember());
      if (requested.isEmpty() || Objects.equals(requested.get(), c.get(s))) {
        continue;
      }
      Object value = ClusterSpec.copy(requested.get());
      after.put(s, value);
      (s.timing() == ClusterSetting.Timing.AT_ONCE ? atOnce : during).put(s, value);
    }
    ClusterSpec.check(after, c.engine, rid);

    clusters.beforeWrite(c, now);
    c.settings.putAll(atOnce);
    List<Activity.Phase> phases = new ArrayList<>();
    if (!during.isEmpty() || newGroup != null) {
      phases.add(new Activity.Phase("modifying", clusters.timings().modifying()));
    }
    if (r.masterUserPassword() != null) {
      phases.add(new Activity.Phase("resetting-master-credentials",
          clusters.timings().resettingMasterCredentials()));
    }
    if (!phases.isEmpty()) {
      finishApplying(c);
      c.applying.putAll(during);
      c.passwordApplying = r.masterUserPassword() != null;
      if (newGroup != null) {
        c.parameterGroup = newGroup;
        c.parameterGroupChangedAt = now;
      }
      c.activity = new Activity(Activity.Kind.MODIFY, now, phases, new Changes(), newGroup,
          parameterApplying);
      clusters.busy(c);
      c.settle(now);
    }
    return clusters.render(c, now);
  }

  /**
   * Ends a modify whose phases are over but whose parameter group is still {@code applying}
   * (the only activity an available cluster can have), with its changes applied.
   */
  private static void finishApplying(SimCluster c) {
    if (c.activity != null) {
      c.settings.putAll(c.applying);
      c.applying.clear();
      c.passwordApplying = false;
      c.activity = null;
    }
  }

  /** The log types exported after {@code CloudwatchLogsExportConfiguration}, if there is one. */
  private static Optional<Object> logExportsAfter(SimCluster c, ModifyDbClusterRequest r) {
    CloudwatchLogsExportConfiguration e = r.cloudwatchLogsExportConfiguration();
    if (e == null) {
      return Optional.empty();
    }
    Set<String> types = new LinkedHashSet<>();
    Object current = c.get(ClusterSetting.LOG_EXPORTS);
    if (current != null) {
      ((List<?>) current).forEach(t -> types.add((String) t));
    }
    if (e.hasDisableLogTypes()) {
      e.disableLogTypes().forEach(types::remove);
    }
    if (e.hasEnableLogTypes()) {
      types.addAll(e.enableLogTypes());
    }
    List<String> after = List.copyOf(types);
    return current == null && after.isEmpty() ? Optional.empty() : Optional.of(after);
  }
}
