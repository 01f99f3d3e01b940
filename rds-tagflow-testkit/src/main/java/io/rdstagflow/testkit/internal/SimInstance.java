package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.InstanceHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * One simulated DB instance: its settings, tags, current activity and history. Mutable; guarded
 * by the simulation's lock. Holds no password.
 */
final class SimInstance {

  record Failure(String status, Instant at) {}

  /** The Secrets Manager secret RDS keeps the master password in, when it manages it. */
  record ManagedSecret(String arn, String kmsKeyId) {}

  final String id;
  final String arn;
  final String resourceId;
  final Instant requestedAt;
  String engine;
  String masterUsername;
  String dbName;
  String availabilityZone;
  boolean storageEncrypted;
  String kmsKeyId;
  /** The managed master password's secret, or {@code null} when the test's code sets passwords. */
  ManagedSecret secret;
  /** Every {@link Setting}'s current value; a setting without a value is absent. */
  final Map<Setting, Object> settings = new EnumMap<>(Setting.class);
  String parameterGroup;
  String parameterApplyStatus = "in-sync";
  Instant instanceCreateTime;
  final Map<String, String> tags = new LinkedHashMap<>();
  /** What a test's own field behaviours show on top of the fake's rendering, in order. */
  final List<Consumer<DBInstance.Builder>> overlays = new ArrayList<>();

  /** Faults queued for this instance's next engine version upgrades, oldest first. */
  final java.util.Deque<UpgradeFault> upgradeFaults = new java.util.ArrayDeque<>();
  /** What the instance's databases hold, as far as the fake models them (extensions). */
  final SimDatabases databases = new SimDatabases();

  Changes deferred = new Changes();
  Activity activity;
  Failure failure;
  boolean failureRecorded;
  boolean gone;

  final List<InstanceHistory.StatusChange> statuses = new ArrayList<>();
  final List<InstanceHistory.TagChange> tagHistory = new ArrayList<>();

  SimInstance(String id, String arn, String resourceId, Instant requestedAt) {
    this.id = id;
    this.arn = arn;
    this.resourceId = resourceId;
    this.requestedAt = requestedAt;
  }

  Object get(Setting s) {
    return settings.get(s);
  }

  String string(Setting s) {
    return (String) settings.get(s);
  }

  int integer(Setting s) {
    Object v = settings.get(s);
    return v == null ? 0 : (Integer) v;
  }

  boolean flag(Setting s) {
    return Boolean.TRUE.equals(settings.get(s));
  }

  void recordStatus(Instant at, String status) {
    if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).status().equals(status)) {
      statuses.add(new InstanceHistory.StatusChange(at, status));
    }
  }

  void recordTags(Instant at, String operation) {
    tagHistory.add(new InstanceHistory.TagChange(at, operation, Map.copyOf(tags)));
  }

  /**
   * Brings the instance up to {@code now}: completes activities that have ended, applies a
   * failure that is due, and writes each change to the history at the instant it happened.
   */
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
      case CREATE -> instanceCreateTime = a.end();
      case MODIFY -> {
        a.changes.applyTo(this);
        if (a.newParameterGroup != null) {
          parameterGroup = a.newParameterGroup;
          parameterApplyStatus = "pending-reboot";
        }
      }
      case UPGRADE -> {
        a.changes.applyTo(this);
        if (a.newParameterGroup != null) {
          parameterGroup = a.newParameterGroup;
          parameterApplyStatus = a.leavesPendingReboot ? "pending-reboot" : "in-sync";
        }
      }
      case REBOOT -> {
        if ("pending-reboot".equals(parameterApplyStatus)) {
          parameterApplyStatus = "in-sync";
        }
      }
      case DELETE -> {
        gone = true;
        recordStatus(a.end(), "deleted");
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

  /** The changes of a modify under way, or none. */
  Changes modifying() {
    return activity != null && (activity.kind == Activity.Kind.MODIFY || activity.kind == Activity.Kind.UPGRADE)
        ? activity.changes : new Changes();
  }

  /** The parameter group the instance shows and its apply status at {@code now}. */
  String shownParameterGroup() {
    return activity != null && activity.newParameterGroup != null
        ? activity.newParameterGroup : parameterGroup;
  }

  String parameterStatusAt(Instant now) {
    return activity != null && activity.newParameterGroup != null
        ? activity.parameterStatusAt(now) : parameterApplyStatus;
  }

  InstanceHistory history() {
    return new InstanceHistory(id, statuses, tagHistory);
  }
}
