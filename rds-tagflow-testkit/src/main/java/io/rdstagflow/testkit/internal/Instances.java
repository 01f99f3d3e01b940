package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.LifecycleTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The instances' lifecycle: created or restored, described, rebooted, deleted, failed, their
 * activities settled against the clock, their histories kept.
 */
final class Instances {

  /** What a point-in-time restore copies from its source instance. */
  private static final List<Setting> FROM_SOURCE = List.of(Setting.INSTANCE_CLASS,
      Setting.ALLOCATED_STORAGE, Setting.PORT, Setting.ENGINE_VERSION, Setting.STORAGE_TYPE,
      Setting.IOPS, Setting.STORAGE_THROUGHPUT, Setting.BACKUP_RETENTION, Setting.BACKUP_WINDOW,
      Setting.MAINTENANCE_WINDOW, Setting.VPC_SECURITY_GROUPS, Setting.OPTION_GROUP,
      Setting.SUBNET_GROUP, Setting.CA_CERTIFICATE);

  private final Store store;
  private final Arns arns;
  private final LifecycleTimings timings;
  private final Rendering rendering;
  private final DescribeLag lag;
  private final ParameterGroups parameterGroups;
  private final Snapshots snapshots;
  private final ManagedPasswords managedPasswords;
  private final Agenda agenda = new Agenda();
  private final InstanceQuery query;
  private CreatingSpread creatingSpread = CreatingSpread.NONE;
  private long resourceCounter;

  Instances(Store store, Arns arns, LifecycleTimings timings, Rendering rendering,
      DescribeLag lag, ParameterGroups parameterGroups, Snapshots snapshots) {
    this.store = store;
    this.arns = arns;
    this.timings = timings;
    this.rendering = rendering;
    this.lag = lag;
    this.parameterGroups = parameterGroups;
    this.snapshots = snapshots;
    this.managedPasswords = new ManagedPasswords(arns);
    this.query = new InstanceQuery(store, arns, rendering, lag);
  }

  /** How long each new instance is {@code creating}; {@link CreatingSpread#NONE} if not set. */
  void creatingSpread(CreatingSpread spread) {
    this.creatingSpread = spread;
  }

  ManagedPasswords managedPasswords() {
    return managedPasswords;
  }

  LifecycleTimings timings() {
    return timings;
  }

  DBInstance render(SimInstance i, Instant now) {
    return rendering.instance(i, now);
  }

  /** Under a describe lag, the instance keeps looking as it does now for a while. */
  void beforeWrite(SimInstance i, Instant now) {
    lag.beforeWrite(i.id, rendering.instance(i, now), now);
  }

  // ---------------------------------------------------------------- new instances

  /** CreateDBInstance; {@code alreadyAvailable} for {@code FakeRds.givenInstance}. */
  SimInstance create(CreateDbInstanceRequest r, Instant now, String rid, boolean alreadyAvailable) {
    String id = newId("DBInstanceIdentifier", r.dbInstanceIdentifier(), rid);
    RdsErrors.require("DBInstanceClass", r.dbInstanceClass(), rid);
    RdsErrors.require("Engine", r.engine(), rid);
    if (r.masterUserPassword() != null) {
      RdsErrors.invalidIf(RdsRules.passwordViolation(r.masterUserPassword()), rid);
    }
    String engine = r.engine().toLowerCase(Locale.ROOT);
    SimInstance i = newInstance(id, r, Map.of(), engine, r.dbParameterGroupName(),
        r.hasTags() ? r.tags() : List.of(), now, rid);
    i.masterUsername = r.masterUsername();
    i.dbName = r.dbName();
    i.storageEncrypted = Boolean.TRUE.equals(r.storageEncrypted());
    i.kmsKeyId = !i.storageEncrypted ? null : r.kmsKeyId() != null ? r.kmsKeyId()
        : "arn:aws:kms:" + arns.region() + ":" + arns.accountId()
            + ":key/00000000-0000-4000-8000-00000000aws0";
    if (alreadyAvailable) {
      store.instances.put(i.id, i);
      i.instanceCreateTime = now;
      i.recordStatus(now, "available");
      i.recordTags(now, "givenInstance");
      return i;
    }
    start(i, now, "CreateDBInstance");
    return i;
  }

  SimInstance restoreFromSnapshot(RestoreDbInstanceFromDbSnapshotRequest r, Instant now,
      String rid) {
    String id = newId("DBInstanceIdentifier", r.dbInstanceIdentifier(), rid);
    SimSnapshot s = snapshots.existing(r.dbSnapshotIdentifier(), rid);
    if (!"available".equals(s.statusAt(now))) {
      throw RdsErrors.error("InvalidDBSnapshotState",
          "Snapshot " + s.id + " is not in available state.", rid);
    }
    if (r.allocatedStorage() != null && r.allocatedStorage() < s.allocatedStorage) {
      throw RdsErrors.error("InvalidParameterValue",
          "The allocated storage size can't be less than the source snapshot or backup size.",
          rid);
    }
    // What a snapshot restore copies from the snapshot.
    Map<Setting, Object> fromSnapshot = new EnumMap<>(Setting.class);
    fromSnapshot.put(Setting.INSTANCE_CLASS, s.instanceClass);
    fromSnapshot.put(Setting.ALLOCATED_STORAGE, s.allocatedStorage);
    fromSnapshot.put(Setting.PORT, s.port);
    fromSnapshot.put(Setting.ENGINE_VERSION, s.engineVersion);
    fromSnapshot.put(Setting.STORAGE_TYPE, s.storageType);
    fromSnapshot.put(Setting.IOPS, s.iops);
    // RDS: new tags given in the request replace the snapshot's; without them, the tags the
    // source instance had when the snapshot was taken are copied.
    List<Tag> tags = r.hasTags() && !r.tags().isEmpty() ? r.tags() : Rendering.tags(s.sourceTags);
    SimInstance i = newInstance(id, r, fromSnapshot, s.engine, r.dbParameterGroupName(), tags,
        now, rid);
    i.masterUsername = s.masterUsername;
    i.storageEncrypted = s.encrypted;
    start(i, now, "RestoreDBInstanceFromDBSnapshot");
    return i;
  }

  SimInstance restoreToPointInTime(RestoreDbInstanceToPointInTimeRequest r, Instant now,
      String rid) {
    SimInstance source;
    if (r.sourceDBInstanceIdentifier() != null) {
      source = existing(r.sourceDBInstanceIdentifier(), rid);
    } else if (r.sourceDbiResourceId() != null) {
      source = store.instances.values().stream()
          .filter(x -> x.resourceId.equals(r.sourceDbiResourceId())).findFirst()
          .orElseThrow(() -> RdsErrors.instanceNotFound(r.sourceDbiResourceId(), rid));
    } else {
      throw RdsErrors.error("InvalidParameterCombination",
          "One of SourceDBInstanceIdentifier or SourceDbiResourceId must be specified.", rid);
    }
    String id = newId("TargetDBInstanceIdentifier", r.targetDBInstanceIdentifier(), rid);
    Map<Setting, Object> fromSource = new EnumMap<>(Setting.class);
    FROM_SOURCE.forEach(s -> fromSource.put(s, source.get(s)));
    List<Tag> tags = r.hasTags() && !r.tags().isEmpty() ? r.tags() : Rendering.tags(source.tags);
    SimInstance i = newInstance(id, r, fromSource, source.engine, r.dbParameterGroupName(), tags,
        now, rid);
    i.masterUsername = source.masterUsername;
    i.dbName = source.dbName;
    i.storageEncrypted = source.storageEncrypted;
    i.kmsKeyId = source.kmsKeyId;
    start(i, now, "RestoreDBInstanceToPointInTime");
    return i;
  }

  /** A validated new instance, not yet stored, with its settings read once from the request. */
  private SimInstance newInstance(String id, SdkPojo request, Map<Setting, Object> inherited,
      String engine, String parameterGroup, List<Tag> tags, Instant now, String rid) {
    Map<String, String> checkedTags = Tagging.checked(Map.of(), tags, rid);
    Map<Setting, Object> settings = InstanceSpec.settings(request, inherited, engine, arns);
    SettingRules.check(settings, engine, rid);
    String group = parameterGroups.groupFor(parameterGroup, engine,
        (String) settings.get(Setting.ENGINE_VERSION), rid);
    SimInstance i = new SimInstance(id, arns.instanceArn(id),
        String.format(Locale.ROOT, "db-FAKE%020d", ++resourceCounter), now);
    i.engine = engine;
    i.settings.putAll(settings);
    i.parameterGroup = group;
    i.availabilityZone = InstanceSpec.field(request, "AvailabilityZone").map(String.class::cast)
        .orElse(arns.region() + "a");
    i.secret = managedPasswords.forNewInstance(i.resourceId,
        (Boolean) InstanceSpec.field(request, "ManageMasterUserPassword").orElse(null),
        (String) InstanceSpec.field(request, "MasterUserPassword").orElse(null),
        (String) InstanceSpec.field(request, "MasterUserSecretKmsKeyId").orElse(null), rid);
    i.tags.putAll(checkedTags);
    return i;
  }

  private void start(SimInstance i, Instant now, String operation) {
    lag.beforeWrite(i.id, null, now);
    store.instances.put(i.id, i);
    i.activity = new Activity(Activity.Kind.CREATE, now,
        List.of(new Activity.Phase("creating", creatingSpread.creating(timings.creating(), i.id))),
        new Changes(), null, Duration.ZERO);
    i.recordTags(now, operation);
    i.settle(now);
    agenda.schedule(i, now);
  }

  /** Refuses, before any is created, identifiers that CreateDBInstance would refuse. */
  void checkNewIdentifiers(List<String> ids, String rid) {
    ids.forEach(id -> newId("DBInstanceIdentifier", id, rid));
  }

  private String newId(String parameter, String requested, String rid) {
    RdsErrors.invalidIf(RdsRules.identifierViolation(parameter, requested, 63), rid);
    // RDS stores identifiers in lower case.
    String id = requested.toLowerCase(Locale.ROOT);
    if (store.instances.containsKey(id)) {
      throw RdsErrors.error("DBInstanceAlreadyExists", "DB instance already exists", rid);
    }
    return id;
  }

  // ---------------------------------------------------------------- reads

  DescribeDbInstancesResponse describe(DescribeDbInstancesRequest r, Instant now, String rid) {
    return query.describe(r, now, rid);
  }

  /** The live instance an identifier or ARN names, or {@code DBInstanceNotFound}. */
  SimInstance existing(String idOrArn, String rid) {
    if (idOrArn == null || idOrArn.isEmpty()) {
      throw RdsErrors.error("InvalidParameterValue",
          "The parameter DBInstanceIdentifier must be provided and must not be blank.", rid);
    }
    SimInstance i = store.instances.get(Arns.idFromArnOrId(idOrArn, "db"));
    if (i == null) {
      throw RdsErrors.instanceNotFound(idOrArn, rid);
    }
    return i;
  }

  void requireAvailable(SimInstance i, Instant now, String rid) {
    if (!"available".equals(i.statusAt(now))) {
      throw RdsErrors.error("InvalidDBInstanceState",
          "Database instance is not in available state.", rid);
    }
  }

  // ---------------------------------------------------------------- activities

  DBInstance reboot(RebootDbInstanceRequest r, Instant now, String rid) {
    SimInstance i = existing(r.dbInstanceIdentifier(), rid);
    requireAvailable(i, now, rid);
    RdsErrors.combinationIf(Boolean.TRUE.equals(r.forceFailover()) && !i.flag(Setting.MULTI_AZ)
        ? "Reboot with failover can only be performed on a Multi-AZ DB instance." : null, rid);
    beforeWrite(i, now);
    begin(i, new Activity(Activity.Kind.REBOOT, now,
        List.of(new Activity.Phase("rebooting", timings.rebooting())), new Changes(), null,
        Duration.ZERO), now);
    return rendering.instance(i, now);
  }

  DBInstance delete(DeleteDbInstanceRequest r, Instant now, String rid) {
    SimInstance i = existing(r.dbInstanceIdentifier(), rid);
    if ("deleting".equals(i.statusAt(now))) {
      throw RdsErrors.error("InvalidDBInstanceState",
          "Instance " + i.id + " is already being deleted.", rid);
    }
    boolean skip = Boolean.TRUE.equals(r.skipFinalSnapshot());
    if (!skip && r.finalDBSnapshotIdentifier() == null) {
      throw RdsErrors.error("InvalidParameterCombination",
          "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.", rid);
    }
    if (i.flag(Setting.DELETION_PROTECTION)) {
      throw RdsErrors.error("InvalidParameterCombination",
          "Cannot delete protected DB Instance, please disable deletion protection and try "
              + "again.", rid);
    }
    if (!skip) {
      snapshots.take(i, r.finalDBSnapshotIdentifier(), List.of(), now, Duration.ZERO, rid);
    }
    beforeWrite(i, now);
    // Deleting abandons whatever the instance was doing, and ends a failed status.
    i.failure = null;
    i.failureRecorded = false;
    i.activity = new Activity(Activity.Kind.DELETE, now,
        List.of(new Activity.Phase("deleting", timings.deleting())), new Changes(), null,
        Duration.ZERO);
    // The response shows the deletion begun, however short the simulated deletion is.
    DBInstance view = rendering.instance(i, now).toBuilder().dbInstanceStatus("deleting").build();
    i.settle(now);
    agenda.schedule(i, now);
    retireIfGone(i);
    return view;
  }

  /** Applies the deferred modifications, as the maintenance window would. */
  void runMaintenance(String instanceId, Instant now) {
    SimInstance i = store.instance(instanceId);
    if (i == null) {
      throw new IllegalArgumentException("no DB instance " + instanceId + " in the fake");
    }
    if (i.deferred.isEmpty()) {
      return;
    }
    if (!"available".equals(i.statusAt(now))) {
      throw new IllegalStateException("instance " + i.id + " is " + i.statusAt(now)
          + "; a maintenance window applies changes to an available instance");
    }
    Changes c = i.deferred;
    i.deferred = new Changes();
    beforeWrite(i, now);
    begin(i, new Activity(Activity.Kind.MODIFY, now,
        List.of(new Activity.Phase("modifying", timings.modifying())), c, null, Duration.ZERO),
        now);
  }

  /** The instance goes to {@code status} after {@code delay}. */
  void fail(String instanceId, String status, Duration delay, Instant now) {
    SimInstance i = store.instance(instanceId);
    if (i == null) {
      throw new IllegalArgumentException("no DB instance " + instanceId + " in the fake");
    }
    i.failure = new SimInstance.Failure(status, now.plus(delay));
    i.failureRecorded = false;
    i.settle(now);
    agenda.schedule(i, now);
  }

  /** Starts an activity, first finishing one still applying a parameter group. */
  void begin(SimInstance i, Activity a, Instant now) {
    if (i.activity != null) {
      // Only a parameter group still "applying" behind an available status can be under way.
      Activity old = i.activity;
      i.activity = new Activity(old.kind, old.start, old.phases, old.changes,
          old.newParameterGroup, Duration.ZERO);
      i.activity.phasesRecorded = old.phasesRecorded;
      i.settle(now);
    }
    i.activity = a;
    i.settle(now);
    agenda.schedule(i, now);
  }

  /**
   * Brings every instance up to {@code now}; deleted ones move to the retired list. Only the
   * instances with an event due are touched (see {@link Agenda}).
   */
  void settleAll(Instant now) {
    agenda.settleDue(now, this::retireIfGone);
  }

  /**
   * Notes the next event of the live instance {@code id} (any case; nothing if there is none),
   * after a call that may have changed what it is doing.
   */
  void reschedule(String id, Instant now) {
    SimInstance i = id == null ? null : store.instance(id);
    if (i != null) {
      i.settle(now);
      agenda.schedule(i, now);
      retireIfGone(i);
    }
  }

  private void retireIfGone(SimInstance i) {
    if (i.gone) {
      store.instances.remove(i.id);
      store.retired.add(i);
    }
  }

  // ---------------------------------------------------------------- histories

  /** The instance {@code id} names, live or (the last one of that name) deleted; or {@code null}. */
  SimInstance find(String id) {
    SimInstance live = store.instance(id);
    if (live != null) {
      return live;
    }
    for (int k = store.retired.size() - 1; k >= 0; k--) {
      if (store.retired.get(k).id.equals(id.toLowerCase(Locale.ROOT))) {
        return store.retired.get(k);
      }
    }
    return null;
  }

  Optional<InstanceHistory> history(String instanceId) {
    return Optional.ofNullable(find(instanceId)).map(SimInstance::history);
  }

  List<InstanceHistory> histories() {
    List<SimInstance> all = new ArrayList<>(store.retired);
    all.addAll(store.instances.values());
    // Resource ids are zero-padded counters: they order instances requested at one instant.
    all.sort(Comparator.comparing((SimInstance x) -> x.requestedAt)
        .thenComparing(x -> x.resourceId));
    return all.stream().map(SimInstance::history).toList();
  }
}
