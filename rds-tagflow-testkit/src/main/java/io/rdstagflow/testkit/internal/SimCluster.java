package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.ClusterHistory;
import io.rdstagflow.testkit.InstanceHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated Aurora DB cluster: its settings, tags, members, current activity and history.
 * Mutable; guarded by the simulation's lock. Settled lazily: every reader calls
 * {@link #settle(Instant)} first, which writes each change to the history at the instant it
 * happened, so the result is the same as settling at every instant. Holds no password.
 */
final class SimCluster {

  record Failure(String status, Instant at) {}

  final String id;
  final String arn;
  final String resourceId;
  final Instant requestedAt;
  String engine;
  String engineVersion;
  String masterUsername;
  String databaseName;
  boolean storageEncrypted;
  String kmsKeyId;
  /** Every {@link ClusterSetting}'s current value; a setting without a value is absent. */
  final Map<ClusterSetting, Object> settings = new EnumMap<>(ClusterSetting.class);
  /** The DB cluster parameter group, the new one as soon as a modify names it. */
  String parameterGroup;
  /**
   * When the cluster parameter group last changed: a member created before it shows
   * {@code pending-reboot} until a reboot begun after it has ended.
   */
  Instant parameterGroupChangedAt;
  Instant clusterCreateTime;
  final Map<String, String> tags = new LinkedHashMap<>();
  /** The member instances, in the order they were created (deleted ones drop out). */
  final List<SimInstance> members = new ArrayList<>();
  /** The writer, or {@code null} until the first member; see {@link #writer()}. */
  SimInstance writer;
  /** Each member's promotion tier (0..15, default 1). */
  final Map<SimInstance, Integer> promotionTiers = new IdentityHashMap<>();

  Activity activity;
  /** The settings a modify under way applies when it ends. */
  final Map<ClusterSetting, Object> applying = new EnumMap<>(ClusterSetting.class);
  /** A modify under way sets a new master password. */
  boolean passwordApplying;
  Failure failure;
  boolean failureRecorded;
  boolean gone;

  final List<InstanceHistory.StatusChange> statuses = new ArrayList<>();
  final List<InstanceHistory.TagChange> tagHistory = new ArrayList<>();

  SimCluster(String id, String arn, String resourceId, Instant requestedAt) {
    this.id = id;
    this.arn = arn;
    this.resourceId = resourceId;
    this.requestedAt = requestedAt;
  }

  Object get(ClusterSetting s) {
    return settings.get(s);
  }

  boolean flag(ClusterSetting s) {
    return Boolean.TRUE.equals(settings.get(s));
  }

  int port() {
    return (Integer) settings.get(ClusterSetting.PORT);
  }

  void recordStatus(Instant at, String status) {
    if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).status().equals(status)) {
      statuses.add(new InstanceHistory.StatusChange(at, status));
    }
  }

  void recordTags(Instant at, String operation) {
    tagHistory.add(new InstanceHistory.TagChange(at, operation, Map.copyOf(tags)));
  }

  /** Brings the cluster up to {@code now}, as {@link SimInstance#settle} does for instances. */
  void settle(Instant now) {
    if (gone) {
      return;
    }
    if (failure != null && !failureRecorded && !failure.at().isAfter(now)) {
      if (activity != null) {
        if (!activity.end().isAfter(failure.at())) {
          recordPhases(activity.end());
          complete();
          if (gone) {
            return;
          }
        } else {
          // The failure cuts the activity short: its changes are never applied.
          recordPhases(failure.at());
          activity = null;
          applying.clear();
          passwordApplying = false;
        }
      }
      recordStatus(failure.at(), failure.status());
      failureRecorded = true;
      return;
    }
    if (activity != null) {
      recordPhases(now);
      if (!activity.end().isAfter(now)) {
        complete();
      }
    }
  }

  private void recordPhases(Instant until) {
    Activity a = activity;
    while (a.phasesRecorded < a.phases.size() && !a.phaseStart(a.phasesRecorded).isAfter(until)) {
      recordStatus(a.phaseStart(a.phasesRecorded), a.phases.get(a.phasesRecorded).status());
      a.phasesRecorded++;
    }
    if (!a.phasesEnd().isAfter(until) && a.kind != Activity.Kind.DELETE) {
      recordStatus(a.phasesEnd(), "available");
    }
  }

  private void complete() {
    Activity a = activity;
    activity = null;
    switch (a.kind) {
      case CREATE -> clusterCreateTime = a.end();
      case DELETE -> {
        gone = true;
        recordStatus(a.end(), "deleted");
      }
      default -> {
        settings.putAll(applying);
        applying.clear();
        passwordApplying = false;
      }
    }
  }

  /** The status at {@code now}; call {@link #settle(Instant)} first. */
  String statusAt(Instant now) {
    if (gone) {
      return "deleted";
    }
    if (failure != null && failureRecorded) {
      return failure.status();
    }
    if (activity != null) {
      String s = activity.statusAt(now);
      if (s != null) {
        return s;
      }
    }
    return "available";
  }

  /** {@code true} while a modify is under way (its phases, or the group still applying). */
  boolean modifying() {
    return activity != null && activity.kind == Activity.Kind.MODIFY;
  }

  /** The members that are not gone, in the order they were created. */
  List<SimInstance> liveMembers() {
    members.removeIf(m -> m.gone);
    return members;
  }

  /**
   * The writer: the first member created, until it is deleted; then the live member with the
   * lowest promotion tier (the earliest created among equals), as an Aurora failover picks it.
   */
  SimInstance writer(Instant now) {
    List<SimInstance> live = liveMembers();
    if (writer != null && live.contains(writer) && !deleting(writer, now)) {
      return writer;
    }
    SimInstance next = live.stream().filter(m -> !deleting(m, now))
        .min(Comparator.comparingInt((SimInstance m) -> promotionTiers.getOrDefault(m, 1)))
        .orElse(null);
    if (next != null) {
      writer = next;
    } else if (writer != null && !live.contains(writer)) {
      writer = null;
    }
    return writer;
  }

  private static boolean deleting(SimInstance m, Instant now) {
    return "deleting".equals(m.statusAt(now));
  }

  /**
   * A member's {@code DBClusterParameterGroupStatus}: {@code applying} while a new cluster
   * parameter group is applied, then {@code pending-reboot} for a member created before the
   * change until a reboot begun after it has ended, else {@code in-sync}.
   */
  String parameterStatusOf(SimInstance m, Instant now) {
    if (modifying() && activity.newParameterGroup != null
        && now.isBefore(activity.start.plus(activity.parameterApplying))) {
      return "applying";
    }
    Instant since = parameterGroupChangedAt;
    if (since == null || !m.requestedAt.isBefore(since)) {
      return "in-sync";
    }
    List<InstanceHistory.StatusChange> s = m.statuses;
    for (int k = 0; k < s.size() - 1; k++) {
      if (s.get(k).status().equals("rebooting") && !s.get(k).at().isBefore(since)) {
        return "in-sync";
      }
    }
    return "pending-reboot";
  }

  ClusterHistory history() {
    return new ClusterHistory(id, statuses, tagHistory);
  }
}
