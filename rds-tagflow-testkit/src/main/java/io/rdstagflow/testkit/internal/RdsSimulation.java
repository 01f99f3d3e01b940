package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.Faults;
import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.UnsupportedByFakeRdsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceResponse;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupResponse;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotResponse;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeResponse;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * The simulated RDS behind a {@link io.rdstagflow.testkit.FakeRds}: instances, snapshots,
 * parameter groups, faults and the call log. Every public method is {@code synchronized}: one
 * lock makes each call atomic, which is all the thread safety a test double needs.
 */
public final class RdsSimulation {

  /** The operations the fake simulates, by their RDS names. */
  public static final Set<String> SUPPORTED_OPERATIONS = Set.of(
      "RestoreDBInstanceFromDBSnapshot",
      "RestoreDBInstanceToPointInTime",
      "CreateDBInstance",
      "DescribeDBInstances",
      "ModifyDBInstance",
      "RebootDBInstance",
      "DeleteDBInstance",
      "AddTagsToResource",
      "RemoveTagsFromResource",
      "ListTagsForResource",
      "CreateDBSnapshot",
      "DescribeDBSnapshots",
      "CreateDBParameterGroup",
      "DescribeDBParameterGroups");

  private static final String DEFAULT_SECURITY_GROUP = "sg-0fa4e0c1d2b3a4f50";

  private record FaultSpec(String errorCode, int status) {}

  /** What DescribeDBInstances shows during a describe lag; {@code view == null}: not there yet. */
  private record LagView(DBInstance view, Instant until) {}

  private final Clock clock;
  private final LifecycleTimings timings;
  private final Random random;
  private final String region;
  private final String accountId;

  private final Map<String, SimInstance> instances = new LinkedHashMap<>();
  private final List<SimInstance> retired = new ArrayList<>();
  private final Map<String, SimSnapshot> snapshots = new TreeMap<>();
  private final Map<String, SimParameterGroup> parameterGroups = new TreeMap<>();
  private final List<RecordedCall> calls = new ArrayList<>();
  private final Map<String, LagView> lagViews = new HashMap<>();
  private final Map<String, Deque<FaultSpec>> failNext = new HashMap<>();
  private int throttleNext;
  private double throttleShare;
  private Duration describeLag = Duration.ZERO;
  private long requestCounter;
  private long resourceCounter;

  private final Faults faults = new FaultControl();
  private final CallLog callLog = new Log();

  RdsSimulation(Clock clock, LifecycleTimings timings, long seed, String region, String accountId) {
    this.clock = clock;
    this.timings = timings;
    this.random = new Random(seed);
    this.region = region;
    this.accountId = accountId;
  }

  Clock clock() {
    return clock;
  }

  LifecycleTimings timings() {
    return timings;
  }

  Faults faults() {
    return faults;
  }

  CallLog calls() {
    return callLog;
  }

  // ---------------------------------------------------------------- calls

  /** Handles one supported call: records it, applies faults, then the operation. */
  synchronized Object call(String operation, SdkRequest request) {
    Instant now = clock.instant();
    settleAll(now);
    String instanceId = instanceIdOf(request);
    String requestId = nextRequestId();
    try {
      injectFault(operation, requestId);
      Object response = dispatch(operation, request, now, requestId);
      record(operation, instanceId, request, now, null);
      return response;
    } catch (RdsException e) {
      record(operation, instanceId, request, now, e.awsErrorDetails().errorCode());
      throw e;
    }
  }

  /** Records a call of an operation the fake does not simulate and throws the refusal. */
  synchronized UnsupportedByFakeRdsException refuse(String operation, SdkRequest request,
      String message) {
    record(operation, null, request, clock.instant(), "UnsupportedByFake");
    return new UnsupportedByFakeRdsException(operation, message);
  }

  private void record(String operation, String instanceId, SdkRequest request, Instant at,
      String errorCode) {
    calls.add(new RecordedCall(calls.size() + 1L, operation, Optional.ofNullable(instanceId),
        request, at, Optional.ofNullable(errorCode)));
  }

  private String nextRequestId() {
    return String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", ++requestCounter);
  }

  private void injectFault(String operation, String requestId) {
    Deque<FaultSpec> queued = failNext.get(operation);
    if (queued != null && !queued.isEmpty()) {
      FaultSpec f = queued.poll();
      throw RdsErrors.error(f.errorCode(), f.status(),
          "Injected by the fake RDS: " + f.errorCode(), requestId);
    }
    if (throttleNext > 0) {
      throttleNext--;
      throw throttling(requestId);
    }
    if (throttleShare > 0 && random.nextDouble() < throttleShare) {
      throw throttling(requestId);
    }
  }

  private static RdsException throttling(String requestId) {
    return RdsErrors.error("Throttling", 400, "Rate exceeded", requestId);
  }

  private Object dispatch(String op, SdkRequest r, Instant now, String rid) {
    return switch (op) {
      case "CreateDBInstance" -> CreateDbInstanceResponse.builder()
          .dbInstance(createInstance((CreateDbInstanceRequest) r, now, rid, false)).build();
      case "RestoreDBInstanceFromDBSnapshot" -> RestoreDbInstanceFromDbSnapshotResponse.builder()
          .dbInstance(restoreFromSnapshot((RestoreDbInstanceFromDbSnapshotRequest) r, now, rid))
          .build();
      case "RestoreDBInstanceToPointInTime" -> RestoreDbInstanceToPointInTimeResponse.builder()
          .dbInstance(restoreToPointInTime((RestoreDbInstanceToPointInTimeRequest) r, now, rid))
          .build();
      case "DescribeDBInstances" -> describeInstances((DescribeDbInstancesRequest) r, now, rid);
      case "ModifyDBInstance" -> ModifyDbInstanceResponse.builder()
          .dbInstance(modify((ModifyDbInstanceRequest) r, now, rid)).build();
      case "RebootDBInstance" -> RebootDbInstanceResponse.builder()
          .dbInstance(reboot((RebootDbInstanceRequest) r, now, rid)).build();
      case "DeleteDBInstance" -> DeleteDbInstanceResponse.builder()
          .dbInstance(delete((DeleteDbInstanceRequest) r, now, rid)).build();
      case "AddTagsToResource" -> addTags((AddTagsToResourceRequest) r, now, rid);
      case "RemoveTagsFromResource" -> removeTags((RemoveTagsFromResourceRequest) r, now, rid);
      case "ListTagsForResource" -> ListTagsForResourceResponse.builder()
          .tagList(toTags(tagsOf(((ListTagsForResourceRequest) r).resourceName(), rid))).build();
      case "CreateDBSnapshot" -> CreateDbSnapshotResponse.builder()
          .dbSnapshot(createSnapshot((CreateDbSnapshotRequest) r, now, rid)).build();
      case "DescribeDBSnapshots" -> describeSnapshots((DescribeDbSnapshotsRequest) r, now, rid);
      case "CreateDBParameterGroup" -> CreateDbParameterGroupResponse.builder()
          .dbParameterGroup(createParameterGroup((CreateDbParameterGroupRequest) r, rid)).build();
      case "DescribeDBParameterGroups" ->
          describeParameterGroups((DescribeDbParameterGroupsRequest) r, rid);
      default -> throw new IllegalStateException("no dispatch for " + op);
    };
  }

  // ---------------------------------------------------------------- instances

  private DBInstance createInstance(CreateDbInstanceRequest r, Instant now, String rid,
      boolean alreadyAvailable) {
    String id = checkNewInstanceId("DBInstanceIdentifier", r.dbInstanceIdentifier(), rid);
    require("DBInstanceClass", r.dbInstanceClass(), rid);
    require("Engine", r.engine(), rid);
    if (r.masterUserPassword() != null) {
      invalidIf(RdsRules.passwordViolation(r.masterUserPassword()), rid);
    }
    Map<String, String> tags = checkedTags(Map.of(), r.hasTags() ? r.tags() : List.of(), rid);
    String engine = r.engine().toLowerCase(Locale.ROOT);
    String version = r.engineVersion() != null ? r.engineVersion() : defaultVersion(engine);
    String group = parameterGroupFor(r.dbParameterGroupName(), engine, version, rid);

    SimInstance i = newInstance(id, now);
    i.engine = engine;
    i.engineVersion = version;
    i.instanceClass = r.dbInstanceClass();
    i.masterUsername = r.masterUsername();
    i.dbName = r.dbName();
    i.allocatedStorage = r.allocatedStorage() != null ? r.allocatedStorage() : 20;
    i.port = r.port() != null ? r.port() : defaultPort(engine);
    i.multiAz = Boolean.TRUE.equals(r.multiAZ());
    i.backupRetention = r.backupRetentionPeriod() != null ? r.backupRetentionPeriod() : 1;
    i.backupWindow = r.preferredBackupWindow() != null ? r.preferredBackupWindow() : "03:00-03:30";
    i.maintenanceWindow = r.preferredMaintenanceWindow() != null
        ? r.preferredMaintenanceWindow() : "sun:05:00-sun:05:30";
    i.vpcSecurityGroups = r.hasVpcSecurityGroupIds()
        ? List.copyOf(r.vpcSecurityGroupIds()) : List.of(DEFAULT_SECURITY_GROUP);
    i.parameterGroup = group;
    i.copyTagsToSnapshot = Boolean.TRUE.equals(r.copyTagsToSnapshot());
    i.deletionProtection = Boolean.TRUE.equals(r.deletionProtection());
    i.tags.putAll(tags);
    if (alreadyAvailable) {
      instances.put(i.id, i);
      i.instanceCreateTime = now;
      i.recordStatus(now, "available");
      i.recordTags(now, "givenInstance");
      return render(i, now);
    }
    start(i, now, timings.creating(), "CreateDBInstance");
    return creatingView(i, now);
  }

  private DBInstance restoreFromSnapshot(RestoreDbInstanceFromDbSnapshotRequest r, Instant now,
      String rid) {
    String id = checkNewInstanceId("DBInstanceIdentifier", r.dbInstanceIdentifier(), rid);
    SimSnapshot s = snapshot(r.dbSnapshotIdentifier(), rid);
    if (!"available".equals(s.statusAt(now))) {
      throw RdsErrors.error("InvalidDBSnapshotState",
          "Snapshot " + s.id + " is not in available state.", rid);
    }
    if (r.allocatedStorage() != null && r.allocatedStorage() < s.allocatedStorage) {
      throw RdsErrors.error("InvalidParameterValue",
          "The allocated storage size can't be less than the source snapshot or backup size.",
          rid);
    }
    // RDS: new tags given in the request replace the snapshot's; without them, the tags the
    // source instance had when the snapshot was taken are copied.
    Map<String, String> tags = r.hasTags() && !r.tags().isEmpty()
        ? checkedTags(Map.of(), r.tags(), rid) : s.sourceTags;
    String group = parameterGroupFor(r.dbParameterGroupName(), s.engine, s.engineVersion, rid);
    SimInstance i = newInstance(id, now);
    i.engine = s.engine;
    i.engineVersion = s.engineVersion;
    i.instanceClass = r.dbInstanceClass() != null ? r.dbInstanceClass() : s.instanceClass;
    i.masterUsername = s.masterUsername;
    i.allocatedStorage = r.allocatedStorage() != null ? r.allocatedStorage() : s.allocatedStorage;
    i.port = r.port() != null ? r.port() : s.port;
    i.multiAz = Boolean.TRUE.equals(r.multiAZ());
    i.backupRetention = r.backupRetentionPeriod() != null ? r.backupRetentionPeriod() : 1;
    i.backupWindow = r.preferredBackupWindow() != null ? r.preferredBackupWindow() : "03:00-03:30";
    i.maintenanceWindow = "sun:05:00-sun:05:30";
    i.vpcSecurityGroups = r.hasVpcSecurityGroupIds()
        ? List.copyOf(r.vpcSecurityGroupIds()) : List.of(DEFAULT_SECURITY_GROUP);
    i.parameterGroup = group;
    i.copyTagsToSnapshot = Boolean.TRUE.equals(r.copyTagsToSnapshot());
    i.deletionProtection = Boolean.TRUE.equals(r.deletionProtection());
    i.tags.putAll(tags);
    start(i, now, timings.creating(), "RestoreDBInstanceFromDBSnapshot");
    return creatingView(i, now);
  }

  private DBInstance restoreToPointInTime(RestoreDbInstanceToPointInTimeRequest r, Instant now,
      String rid) {
    SimInstance source;
    if (r.sourceDBInstanceIdentifier() != null) {
      source = existing(r.sourceDBInstanceIdentifier(), rid);
    } else if (r.sourceDbiResourceId() != null) {
      source = instances.values().stream()
          .filter(x -> x.resourceId.equals(r.sourceDbiResourceId())).findFirst()
          .orElseThrow(() -> notFound(r.sourceDbiResourceId(), rid));
    } else {
      throw RdsErrors.error("InvalidParameterCombination",
          "One of SourceDBInstanceIdentifier or SourceDbiResourceId must be specified.", rid);
    }
    String id = checkNewInstanceId("TargetDBInstanceIdentifier", r.targetDBInstanceIdentifier(),
        rid);
    Map<String, String> tags = r.hasTags() && !r.tags().isEmpty()
        ? checkedTags(Map.of(), r.tags(), rid) : Map.copyOf(source.tags);
    String group = parameterGroupFor(r.dbParameterGroupName(), source.engine,
        source.engineVersion, rid);
    SimInstance i = newInstance(id, now);
    i.engine = source.engine;
    i.engineVersion = source.engineVersion;
    i.instanceClass = r.dbInstanceClass() != null ? r.dbInstanceClass() : source.instanceClass;
    i.masterUsername = source.masterUsername;
    i.dbName = source.dbName;
    i.allocatedStorage = r.allocatedStorage() != null
        ? r.allocatedStorage() : source.allocatedStorage;
    i.port = r.port() != null ? r.port() : source.port;
    i.multiAz = Boolean.TRUE.equals(r.multiAZ());
    i.backupRetention = r.backupRetentionPeriod() != null
        ? r.backupRetentionPeriod() : source.backupRetention;
    i.backupWindow = r.preferredBackupWindow() != null
        ? r.preferredBackupWindow() : source.backupWindow;
    i.maintenanceWindow = source.maintenanceWindow;
    i.vpcSecurityGroups = r.hasVpcSecurityGroupIds()
        ? List.copyOf(r.vpcSecurityGroupIds()) : source.vpcSecurityGroups;
    i.parameterGroup = group;
    i.copyTagsToSnapshot = Boolean.TRUE.equals(r.copyTagsToSnapshot());
    i.deletionProtection = Boolean.TRUE.equals(r.deletionProtection());
    i.tags.putAll(tags);
    start(i, now, timings.creating(), "RestoreDBInstanceToPointInTime");
    return creatingView(i, now);
  }

  private SimInstance newInstance(String id, Instant now) {
    SimInstance i = new SimInstance(id, instanceArn(id),
        String.format(Locale.ROOT, "db-FAKE%020d", ++resourceCounter), now);
    return i;
  }

  /** A create's response shows the instance {@code creating}, however short creation is. */
  private DBInstance creatingView(SimInstance i, Instant now) {
    return render(i, now).toBuilder().dbInstanceStatus("creating").instanceCreateTime(null)
        .endpoint((Endpoint) null).build();
  }

  private void start(SimInstance i, Instant now, Duration creating, String operation) {
    lagBeforeWrite(i.id, null, now);
    instances.put(i.id, i);
    i.activity = new Activity(Activity.Kind.CREATE, now,
        List.of(new Activity.Phase("creating", creating)), new Changes(), null, Duration.ZERO);
    i.recordTags(now, operation);
    i.settle(now);
  }

  private DescribeDbInstancesResponse describeInstances(DescribeDbInstancesRequest r, Instant now,
      String rid) {
    int max = maxRecords(r.maxRecords(), rid);
    Map<String, DBInstance> views = new TreeMap<>();
    for (SimInstance i : instances.values()) {
      views.put(i.id, render(i, now));
    }
    // A describe lag shows each recently written instance as it was before the write.
    for (Map.Entry<String, LagView> e : lagViews.entrySet()) {
      if (now.isBefore(e.getValue().until())) {
        if (e.getValue().view() == null) {
          views.remove(e.getKey());
        } else {
          views.put(e.getKey(), e.getValue().view());
        }
      }
    }
    List<DBInstance> selected = new ArrayList<>(views.values());
    if (r.dbInstanceIdentifier() != null) {
      String id = idFromArnOrId(r.dbInstanceIdentifier(), "db");
      selected.removeIf(d -> !d.dbInstanceIdentifier().equals(id));
      if (selected.isEmpty()) {
        throw notFound(r.dbInstanceIdentifier(), rid);
      }
    }
    if (r.hasFilters()) {
      for (Filter f : r.filters()) {
        List<String> values = f.hasValues() ? f.values() : List.of();
        if (values.isEmpty()) {
          throw RdsErrors.error("InvalidParameterValue",
              "The list of values for filter " + f.name() + " must not be empty.", rid);
        }
        Function<DBInstance, String> attribute = switch (f.name() == null ? "" : f.name()) {
          case "db-instance-id" -> null;
          case "dbi-resource-id" -> DBInstance::dbiResourceId;
          case "engine" -> DBInstance::engine;
          case "db-cluster-id", "domain" -> d -> null;
          default -> throw RdsErrors.error("InvalidParameterValue",
              "Unrecognized filter name: " + f.name(), rid);
        };
        if (attribute == null) {
          selected.removeIf(d -> !values.contains(d.dbInstanceIdentifier())
              && !values.contains(d.dbInstanceArn()));
        } else {
          selected.removeIf(d -> !values.contains(attribute.apply(d)));
        }
      }
    }
    Page<DBInstance> page = page(selected, DBInstance::dbInstanceIdentifier, r.marker(), max);
    return DescribeDbInstancesResponse.builder().dbInstances(page.items()).marker(page.marker())
        .build();
  }

  private DBInstance modify(ModifyDbInstanceRequest r, Instant now, String rid) {
    SimInstance i = existing(r.dbInstanceIdentifier(), rid);
    requireAvailable(i, now, rid);
    boolean immediately = Boolean.TRUE.equals(r.applyImmediately());
    if (r.masterUserPassword() != null) {
      invalidIf(RdsRules.passwordViolation(r.masterUserPassword()), rid);
    }
    String newGroup = null;
    if (r.dbParameterGroupName() != null) {
      String g = r.dbParameterGroupName().toLowerCase(Locale.ROOT);
      if (!g.equals(i.parameterGroup)) {
        newGroup = parameterGroupFor(g, i.engine, i.engineVersion, rid);
      }
    }
    Changes now_ = new Changes();
    Changes later = new Changes();
    // These wait for the maintenance window unless ApplyImmediately (ModifyDBInstance reference).
    Changes deferrable = immediately ? now_ : later;
    if (r.dbInstanceClass() != null && !r.dbInstanceClass().equals(i.instanceClass)) {
      deferrable.instanceClass = r.dbInstanceClass();
    }
    if (r.allocatedStorage() != null && r.allocatedStorage() != i.allocatedStorage) {
      deferrable.allocatedStorage = r.allocatedStorage();
    }
    if (r.multiAZ() != null && r.multiAZ() != i.multiAz) {
      deferrable.multiAz = r.multiAZ();
    }
    if (r.engineVersion() != null && !r.engineVersion().equals(i.engineVersion)) {
      deferrable.engineVersion = r.engineVersion();
    }
    // These are applied as soon as possible whatever ApplyImmediately says.
    if (r.backupRetentionPeriod() != null && r.backupRetentionPeriod() != i.backupRetention) {
      now_.backupRetention = r.backupRetentionPeriod();
    }
    if (r.hasVpcSecurityGroupIds() && !r.vpcSecurityGroupIds().equals(i.vpcSecurityGroups)) {
      now_.vpcSecurityGroups = List.copyOf(r.vpcSecurityGroupIds());
    }
    boolean password = r.masterUserPassword() != null;
    lagBeforeWrite(i.id, render(i, now), now);
    if (r.preferredBackupWindow() != null) {
      i.backupWindow = r.preferredBackupWindow();
    }
    if (r.preferredMaintenanceWindow() != null) {
      i.maintenanceWindow = r.preferredMaintenanceWindow();
    }
    if (r.copyTagsToSnapshot() != null) {
      i.copyTagsToSnapshot = r.copyTagsToSnapshot();
    }
    if (r.deletionProtection() != null) {
      i.deletionProtection = r.deletionProtection();
    }
    later.absorb(i.deferred);
    if (immediately) {
      // RDS applies modifications already queued for the window along with an immediate one.
      now_.absorb(later);
      later = new Changes();
    }
    i.deferred = later;
    List<Activity.Phase> phases = new ArrayList<>();
    if (!now_.isEmpty() || newGroup != null) {
      phases.add(new Activity.Phase("modifying", timings.modifying()));
    }
    if (password) {
      now_.masterPassword = true;
      phases.add(new Activity.Phase("resetting-master-credentials",
          timings.resettingMasterCredentials()));
    }
    if (!phases.isEmpty()) {
      begin(i, new Activity(Activity.Kind.MODIFY, now, phases, now_, newGroup,
          timings.applyingParameterGroup()), now);
    }
    return render(i, now);
  }

  private DBInstance reboot(RebootDbInstanceRequest r, Instant now, String rid) {
    SimInstance i = existing(r.dbInstanceIdentifier(), rid);
    requireAvailable(i, now, rid);
    lagBeforeWrite(i.id, render(i, now), now);
    begin(i, new Activity(Activity.Kind.REBOOT, now,
        List.of(new Activity.Phase("rebooting", timings.rebooting())), new Changes(), null,
        Duration.ZERO), now);
    return render(i, now);
  }

  private DBInstance delete(DeleteDbInstanceRequest r, Instant now, String rid) {
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
    if (i.deletionProtection) {
      throw RdsErrors.error("InvalidParameterCombination",
          "Cannot delete protected DB Instance, please disable deletion protection and try "
              + "again.", rid);
    }
    if (!skip) {
      takeSnapshot(i, r.finalDBSnapshotIdentifier(), List.of(), now, Duration.ZERO, rid);
    }
    lagBeforeWrite(i.id, render(i, now), now);
    // Deleting abandons whatever the instance was doing, and ends a failed status.
    i.activity = null;
    i.failure = null;
    i.failureRecorded = false;
    i.activity = new Activity(Activity.Kind.DELETE, now,
        List.of(new Activity.Phase("deleting", timings.deleting())), new Changes(), null,
        Duration.ZERO);
    // The response shows the deletion begun, however short the simulated deletion is.
    DBInstance view = render(i, now).toBuilder().dbInstanceStatus("deleting").build();
    i.settle(now);
    retireIfGone(i);
    return view;
  }

  /** Starts an activity, first finishing one still applying a parameter group. */
  private void begin(SimInstance i, Activity a, Instant now) {
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
  }

  private void requireAvailable(SimInstance i, Instant now, String rid) {
    if (!"available".equals(i.statusAt(now))) {
      throw RdsErrors.error("InvalidDBInstanceState",
          "Database instance is not in available state.", rid);
    }
  }

  // ---------------------------------------------------------------- tags

  private AddTagsToResourceResponse addTags(AddTagsToResourceRequest r, Instant now, String rid) {
    Map<String, String> tags = tagsOf(r.resourceName(), rid);
    Map<String, String> after = checkedTags(tags, r.hasTags() ? r.tags() : List.of(), rid);
    SimInstance i = taggedInstance(r.resourceName());
    if (i != null) {
      lagBeforeWrite(i.id, render(i, now), now);
    }
    tags.clear();
    tags.putAll(after);
    if (i != null) {
      i.recordTags(now, "AddTagsToResource");
    }
    return AddTagsToResourceResponse.builder().build();
  }

  private RemoveTagsFromResourceResponse removeTags(RemoveTagsFromResourceRequest r, Instant now,
      String rid) {
    Map<String, String> tags = tagsOf(r.resourceName(), rid);
    SimInstance i = taggedInstance(r.resourceName());
    if (i != null) {
      lagBeforeWrite(i.id, render(i, now), now);
    }
    if (r.hasTagKeys()) {
      r.tagKeys().forEach(tags::remove);
    }
    if (i != null) {
      i.recordTags(now, "RemoveTagsFromResource");
    }
    return RemoveTagsFromResourceResponse.builder().build();
  }

  /** The live tag map of the resource an ARN names. */
  private Map<String, String> tagsOf(String arn, String rid) {
    String[] parts = arn == null ? new String[0] : arn.split(":", 7);
    if (parts.length != 7 || !parts[0].equals("arn") || !parts[2].equals("rds")) {
      throw RdsErrors.error("InvalidParameterValue", "Invalid resource name: " + arn, rid);
    }
    String name = parts[6].toLowerCase(Locale.ROOT);
    boolean ours = parts[3].equals(region) && parts[4].equals(accountId);
    return switch (parts[5]) {
      case "db" -> {
        SimInstance i = ours ? instances.get(name) : null;
        if (i == null) {
          throw notFound(parts[6], rid);
        }
        yield i.tags;
      }
      case "snapshot" -> {
        SimSnapshot s = ours ? snapshots.get(name) : null;
        if (s == null) {
          throw snapshotNotFound(parts[6], rid);
        }
        yield s.tags;
      }
      case "pg" -> {
        SimParameterGroup g = ours ? parameterGroups.get(name) : null;
        if (g == null) {
          throw parameterGroupNotFound(parts[6], rid);
        }
        yield g.tags;
      }
      default -> throw RdsErrors.error("InvalidParameterValue", "Invalid resource name: " + arn,
          rid);
    };
  }

  private SimInstance taggedInstance(String arn) {
    String[] parts = arn.split(":", 7);
    return parts.length == 7 && parts[5].equals("db")
        ? instances.get(parts[6].toLowerCase(Locale.ROOT)) : null;
  }

  private Map<String, String> checkedTags(Map<String, String> before, Collection<Tag> add,
      String rid) {
    Map<String, String> after = new LinkedHashMap<>(before);
    for (Tag t : add) {
      invalidIf(RdsRules.tagViolation(t.key(), t.value()), rid);
      after.put(t.key(), t.value() == null ? "" : t.value());
    }
    invalidIf(RdsRules.tagCountViolation(after), rid);
    return after;
  }

  private static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  // ---------------------------------------------------------------- snapshots

  private DBSnapshot createSnapshot(CreateDbSnapshotRequest r, Instant now, String rid) {
    SimInstance i = existing(r.dbInstanceIdentifier(), rid);
    requireAvailable(i, now, rid);
    SimSnapshot s = takeSnapshot(i, r.dbSnapshotIdentifier(),
        r.hasTags() ? r.tags() : List.of(), now, timings.snapshotting(), rid);
    return render(s, now);
  }

  private SimSnapshot takeSnapshot(SimInstance i, String snapshotId, Collection<Tag> tags,
      Instant now, Duration duration, String rid) {
    invalidIf(RdsRules.identifierViolation("DBSnapshotIdentifier", snapshotId, 255), rid);
    String id = snapshotId.toLowerCase(Locale.ROOT);
    if (snapshots.containsKey(id)) {
      throw RdsErrors.error("DBSnapshotAlreadyExists",
          "Cannot create the snapshot because a snapshot with the identifier " + id
              + " already exists.", rid);
    }
    Map<String, String> own = checkedTags(Map.of(), tags, rid);
    if (own.isEmpty() && i.copyTagsToSnapshot) {
      own = Map.copyOf(i.tags);
    }
    SimSnapshot s = new SimSnapshot(id, arn("snapshot", id), i.id, now, now.plus(duration),
        i.engine, i.engineVersion, i.allocatedStorage, i.masterUsername, i.port, i.instanceClass,
        i.tags);
    s.tags.putAll(own);
    snapshots.put(id, s);
    return s;
  }

  private DescribeDbSnapshotsResponse describeSnapshots(DescribeDbSnapshotsRequest r, Instant now,
      String rid) {
    int max = maxRecords(r.maxRecords(), rid);
    List<SimSnapshot> selected = new ArrayList<>(snapshots.values());
    if (r.dbSnapshotIdentifier() != null) {
      String id = idFromArnOrId(r.dbSnapshotIdentifier(), "snapshot");
      selected.removeIf(s -> !s.id.equals(id));
      if (selected.isEmpty() && r.dbInstanceIdentifier() == null) {
        throw snapshotNotFound(r.dbSnapshotIdentifier(), rid);
      }
    }
    if (r.dbInstanceIdentifier() != null) {
      String id = idFromArnOrId(r.dbInstanceIdentifier(), "db");
      selected.removeIf(s -> !s.instanceId.equals(id));
    }
    if (r.snapshotType() != null && !r.snapshotType().equals("manual")) {
      selected.clear();
    }
    if (r.hasFilters()) {
      for (Filter f : r.filters()) {
        List<String> values = f.hasValues() ? f.values() : List.of();
        Function<SimSnapshot, String> attribute = switch (f.name() == null ? "" : f.name()) {
          case "db-instance-id" -> s -> s.instanceId;
          case "db-snapshot-id" -> s -> s.id;
          case "snapshot-type" -> s -> "manual";
          case "engine" -> s -> s.engine;
          default -> throw RdsErrors.error("InvalidParameterValue",
              "Unrecognized filter name: " + f.name(), rid);
        };
        selected.removeIf(s -> !values.contains(attribute.apply(s)));
      }
    }
    List<DBSnapshot> views = selected.stream().map(s -> render(s, now)).toList();
    Page<DBSnapshot> page = page(views, DBSnapshot::dbSnapshotIdentifier, r.marker(), max);
    return DescribeDbSnapshotsResponse.builder().dbSnapshots(page.items()).marker(page.marker())
        .build();
  }

  private SimSnapshot snapshot(String idOrArn, String rid) {
    invalidIf(idOrArn == null || idOrArn.isEmpty()
        ? "The parameter DBSnapshotIdentifier must be provided and must not be blank." : null, rid);
    SimSnapshot s = snapshots.get(idFromArnOrId(idOrArn, "snapshot"));
    if (s == null) {
      throw snapshotNotFound(idOrArn, rid);
    }
    return s;
  }

  // ---------------------------------------------------------------- parameter groups

  private DBParameterGroup createParameterGroup(CreateDbParameterGroupRequest r, String rid) {
    invalidIf(RdsRules.identifierViolation("DBParameterGroupName", r.dbParameterGroupName(), 255),
        rid);
    require("DBParameterGroupFamily", r.dbParameterGroupFamily(), rid);
    require("Description", r.description(), rid);
    String name = r.dbParameterGroupName().toLowerCase(Locale.ROOT);
    if (parameterGroups.containsKey(name)) {
      throw RdsErrors.error("DBParameterGroupAlreadyExists",
          "Parameter group " + name + " already exists", rid);
    }
    Map<String, String> tags = checkedTags(Map.of(), r.hasTags() ? r.tags() : List.of(), rid);
    SimParameterGroup g = new SimParameterGroup(name, r.dbParameterGroupFamily(), r.description(),
        arn("pg", name));
    g.tags.putAll(tags);
    parameterGroups.put(name, g);
    return render(g);
  }

  private DescribeDbParameterGroupsResponse describeParameterGroups(
      DescribeDbParameterGroupsRequest r, String rid) {
    int max = maxRecords(r.maxRecords(), rid);
    List<SimParameterGroup> selected = new ArrayList<>(parameterGroups.values());
    if (r.dbParameterGroupName() != null) {
      String name = r.dbParameterGroupName().toLowerCase(Locale.ROOT);
      selected.removeIf(g -> !g.name.equals(name));
      if (selected.isEmpty()) {
        throw parameterGroupNotFound(r.dbParameterGroupName(), rid);
      }
    }
    List<DBParameterGroup> views = selected.stream().map(RdsSimulation::render).toList();
    Page<DBParameterGroup> page =
        page(views, DBParameterGroup::dbParameterGroupName, r.marker(), max);
    return DescribeDbParameterGroupsResponse.builder().dbParameterGroups(page.items())
        .marker(page.marker()).build();
  }

  /** The group an instance gets: the named one (which must exist) or its engine's default. */
  private String parameterGroupFor(String requested, String engine, String version, String rid) {
    if (requested == null) {
      String family = family(engine, version);
      String name = "default." + family;
      parameterGroups.computeIfAbsent(name, n -> new SimParameterGroup(n, family,
          "Default parameter group for " + family, arn("pg", n)));
      return name;
    }
    String name = requested.toLowerCase(Locale.ROOT);
    if (!parameterGroups.containsKey(name)) {
      throw parameterGroupNotFound(requested, rid);
    }
    return name;
  }

  private static String family(String engine, String version) {
    String[] v = version.split("\\.");
    return engine.startsWith("postgres") ? engine + v[0]
        : engine + v[0] + (v.length > 1 ? "." + v[1] : "");
  }

  private static String defaultVersion(String engine) {
    return switch (engine) {
      case "postgres" -> "16.3";
      case "mysql" -> "8.0.39";
      case "mariadb" -> "10.11.9";
      default -> "1.0";
    };
  }

  private static int defaultPort(String engine) {
    return engine.startsWith("postgres") ? 5432 : 3306;
  }

  // ---------------------------------------------------------------- rendering

  private DBInstance render(SimInstance i, Instant now) {
    String status = i.statusAt(now);
    DBInstance.Builder b = DBInstance.builder()
        .dbInstanceIdentifier(i.id)
        .dbInstanceArn(i.arn)
        .dbiResourceId(i.resourceId)
        .dbInstanceClass(i.instanceClass)
        .engine(i.engine)
        .engineVersion(i.engineVersion)
        .dbInstanceStatus(status)
        .masterUsername(i.masterUsername)
        .dbName(i.dbName)
        .allocatedStorage(i.allocatedStorage)
        .preferredBackupWindow(i.backupWindow)
        .preferredMaintenanceWindow(i.maintenanceWindow)
        .backupRetentionPeriod(i.backupRetention)
        .multiAZ(i.multiAz)
        .availabilityZone(region + "a")
        .storageType("gp2")
        .publiclyAccessible(false)
        .autoMinorVersionUpgrade(true)
        .copyTagsToSnapshot(i.copyTagsToSnapshot)
        .deletionProtection(i.deletionProtection)
        .dbInstancePort(0)
        .vpcSecurityGroups(i.vpcSecurityGroups.stream()
            .map(g -> VpcSecurityGroupMembership.builder().vpcSecurityGroupId(g).status("active")
                .build()).toList())
        .dbParameterGroups(DBParameterGroupStatus.builder()
            .dbParameterGroupName(i.shownParameterGroup())
            .parameterApplyStatus(i.parameterStatusAt(now)).build())
        .pendingModifiedValues(pending(i))
        .tagList(toTags(i.tags));
    // RDS has no endpoint and no create time to show until the instance has been created.
    if (i.instanceCreateTime != null) {
      b.instanceCreateTime(i.instanceCreateTime)
          .endpoint(Endpoint.builder()
              .address(i.id + ".c9akciq32fake." + region + ".rds.amazonaws.com")
              .port(i.port).hostedZoneId("Z2R2ITUGPM61AM").build());
    }
    return b.build();
  }

  private static PendingModifiedValues pending(SimInstance i) {
    Changes shown = new Changes();
    if (i.activity != null && i.activity.kind == Activity.Kind.MODIFY) {
      shown.absorb(i.activity.changes);
    }
    shown.absorb(i.deferred);
    return PendingModifiedValues.builder()
        .dbInstanceClass(shown.instanceClass)
        .allocatedStorage(shown.allocatedStorage)
        .multiAZ(shown.multiAz)
        .engineVersion(shown.engineVersion)
        .backupRetentionPeriod(shown.backupRetention)
        // RDS shows that a new password is pending, never the password.
        .masterUserPassword(shown.masterPassword ? "****" : null)
        .build();
  }

  private DBSnapshot render(SimSnapshot s, Instant now) {
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
        .availabilityZone(region + "a")
        .masterUsername(s.masterUsername)
        .snapshotType("manual")
        .percentProgress(done ? 100 : 0)
        .storageType("gp2")
        .encrypted(false)
        .tagList(toTags(s.tags))
        .build();
  }

  private static DBParameterGroup render(SimParameterGroup g) {
    return DBParameterGroup.builder()
        .dbParameterGroupName(g.name)
        .dbParameterGroupFamily(g.family)
        .description(g.description)
        .dbParameterGroupArn(g.arn)
        .build();
  }

  // ---------------------------------------------------------------- helpers

  private record Page<T>(List<T> items, String marker) {}

  /** RDS pages by an opaque marker; the fake's marker is the first identifier of the next page. */
  private static <T> Page<T> page(List<T> items, Function<T, String> key, String marker, int max) {
    List<T> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> key.apply(a).compareTo(key.apply(b)));
    int from = 0;
    if (marker != null) {
      while (from < sorted.size() && key.apply(sorted.get(from)).compareTo(marker) < 0) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + max);
    String next = to < sorted.size() ? key.apply(sorted.get(to)) : null;
    return new Page<>(List.copyOf(sorted.subList(from, to)), next);
  }

  private static int maxRecords(Integer requested, String rid) {
    if (requested == null) {
      return 100;
    }
    if (requested < 20 || requested > 100) {
      throw RdsErrors.error("InvalidParameterValue",
          "Invalid value " + requested + " for MaxRecords. Must be between 20 and 100", rid);
    }
    return requested;
  }

  private String checkNewInstanceId(String parameter, String requested, String rid) {
    invalidIf(RdsRules.identifierViolation(parameter, requested, 63), rid);
    // RDS stores identifiers in lower case.
    String id = requested.toLowerCase(Locale.ROOT);
    if (instances.containsKey(id)) {
      throw RdsErrors.error("DBInstanceAlreadyExists", "DB instance already exists", rid);
    }
    return id;
  }

  private SimInstance existing(String idOrArn, String rid) {
    if (idOrArn == null || idOrArn.isEmpty()) {
      throw RdsErrors.error("InvalidParameterValue",
          "The parameter DBInstanceIdentifier must be provided and must not be blank.", rid);
    }
    SimInstance i = instances.get(idFromArnOrId(idOrArn, "db"));
    if (i == null) {
      throw notFound(idOrArn, rid);
    }
    return i;
  }

  private static String idFromArnOrId(String idOrArn, String type) {
    String[] parts = idOrArn.split(":", 7);
    String id = parts.length == 7 && parts[0].equals("arn") && parts[5].equals(type)
        ? parts[6] : idOrArn;
    return id.toLowerCase(Locale.ROOT);
  }

  private static void require(String parameter, String value, String rid) {
    if (value == null || value.isEmpty()) {
      throw RdsErrors.error("MissingParameter",
          "The request must contain the parameter " + parameter + ".", rid);
    }
  }

  private static void invalidIf(String violation, String rid) {
    if (violation != null) {
      throw RdsErrors.error("InvalidParameterValue", violation, rid);
    }
  }

  private static RdsException notFound(String id, String rid) {
    return RdsErrors.error("DBInstanceNotFound", "DBInstance " + id + " not found.", rid);
  }

  private static RdsException snapshotNotFound(String id, String rid) {
    return RdsErrors.error("DBSnapshotNotFound", "DBSnapshot " + id + " not found.", rid);
  }

  private static RdsException parameterGroupNotFound(String name, String rid) {
    return RdsErrors.error("DBParameterGroupNotFound",
        "DB Parameter Group " + name + " not found.", rid);
  }

  private String arn(String type, String name) {
    return "arn:aws:rds:" + region + ":" + accountId + ":" + type + ":" + name;
  }

  String instanceArn(String id) {
    return arn("db", id.toLowerCase(Locale.ROOT));
  }

  private void lagBeforeWrite(String id, DBInstance before, Instant now) {
    if (describeLag.isZero()) {
      return;
    }
    lagViews.put(id, new LagView(before, now.plus(describeLag)));
  }

  private void settleAll(Instant now) {
    for (SimInstance i : List.copyOf(instances.values())) {
      i.settle(now);
      retireIfGone(i);
    }
    lagViews.values().removeIf(v -> !now.isBefore(v.until()));
  }

  private void retireIfGone(SimInstance i) {
    if (i.gone) {
      instances.remove(i.id);
      retired.add(i);
    }
  }

  private static String instanceIdOf(SdkRequest r) {
    String id = null;
    if (r instanceof DescribeDbInstancesRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof CreateDbInstanceRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof RestoreDbInstanceFromDbSnapshotRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof RestoreDbInstanceToPointInTimeRequest x) {
      id = x.targetDBInstanceIdentifier();
    } else if (r instanceof ModifyDbInstanceRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof RebootDbInstanceRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof DeleteDbInstanceRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof CreateDbSnapshotRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof DescribeDbSnapshotsRequest x) {
      id = x.dbInstanceIdentifier();
    } else if (r instanceof AddTagsToResourceRequest x) {
      id = dbFromArn(x.resourceName());
    } else if (r instanceof RemoveTagsFromResourceRequest x) {
      id = dbFromArn(x.resourceName());
    } else if (r instanceof ListTagsForResourceRequest x) {
      id = dbFromArn(x.resourceName());
    }
    return id == null ? null : idFromArnOrId(id, "db");
  }

  private static String dbFromArn(String arn) {
    if (arn == null) {
      return null;
    }
    String[] parts = arn.split(":", 7);
    return parts.length == 7 && parts[5].equals("db") ? parts[6] : null;
  }

  // ---------------------------------------------------------------- control

  synchronized DBSnapshot givenSnapshot(DBSnapshot spec) {
    Instant now = clock.instant();
    String rid = nextRequestId();
    invalidIf(RdsRules.identifierViolation("DBSnapshotIdentifier", spec.dbSnapshotIdentifier(),
        255), rid);
    String id = spec.dbSnapshotIdentifier().toLowerCase(Locale.ROOT);
    if (snapshots.containsKey(id)) {
      throw RdsErrors.error("DBSnapshotAlreadyExists",
          "Cannot create the snapshot because a snapshot with the identifier " + id
              + " already exists.", rid);
    }
    Map<String, String> tags = checkedTags(Map.of(), spec.hasTagList() ? spec.tagList()
        : List.of(), rid);
    String engine = spec.engine() != null ? spec.engine().toLowerCase(Locale.ROOT) : "postgres";
    String version = spec.engineVersion() != null ? spec.engineVersion() : defaultVersion(engine);
    Instant created = spec.snapshotCreateTime() != null
        ? spec.snapshotCreateTime() : now.minus(Duration.ofDays(1));
    String instanceId = spec.dbInstanceIdentifier() != null
        ? spec.dbInstanceIdentifier().toLowerCase(Locale.ROOT) : id;
    SimSnapshot s = new SimSnapshot(id, arn("snapshot", id), instanceId, created, created,
        engine, version, spec.allocatedStorage() != null ? spec.allocatedStorage() : 20,
        spec.masterUsername() != null ? spec.masterUsername() : "postgres",
        spec.port() != null ? spec.port() : defaultPort(engine), "db.t3.micro", tags);
    s.tags.putAll(tags);
    snapshots.put(id, s);
    return render(s, now);
  }

  synchronized DBInstance givenInstance(CreateDbInstanceRequest request) {
    Instant now = clock.instant();
    settleAll(now);
    return createInstance(request, now, nextRequestId(), true);
  }

  synchronized void runMaintenance(String instanceId) {
    Instant now = clock.instant();
    settleAll(now);
    SimInstance i = instances.get(instanceId.toLowerCase(Locale.ROOT));
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
    lagBeforeWrite(i.id, render(i, now), now);
    begin(i, new Activity(Activity.Kind.MODIFY, now,
        List.of(new Activity.Phase("modifying", timings.modifying())), c, null, Duration.ZERO),
        now);
  }

  synchronized Optional<InstanceHistory> history(String instanceId) {
    settleAll(clock.instant());
    String id = instanceId.toLowerCase(Locale.ROOT);
    SimInstance live = instances.get(id);
    if (live != null) {
      return Optional.of(live.history());
    }
    for (int k = retired.size() - 1; k >= 0; k--) {
      if (retired.get(k).id.equals(id)) {
        return Optional.of(retired.get(k).history());
      }
    }
    return Optional.empty();
  }

  synchronized List<InstanceHistory> histories() {
    settleAll(clock.instant());
    List<SimInstance> all = new ArrayList<>(retired);
    all.addAll(instances.values());
    all.sort((a, b) -> a.requestedAt.compareTo(b.requestedAt));
    return all.stream().map(SimInstance::history).toList();
  }

  synchronized String report() {
    StringBuilder sb = new StringBuilder("Fake RDS at ").append(clock.instant())
        .append("\nCalls:\n");
    if (calls.isEmpty()) {
      sb.append("  (none)\n");
    }
    for (RecordedCall c : calls) {
      sb.append("  ").append(c).append('\n');
    }
    sb.append("Instances:\n");
    List<InstanceHistory> hs = histories();
    if (hs.isEmpty()) {
      sb.append("  (none)\n");
    }
    for (InstanceHistory h : hs) {
      sb.append(h.render().indent(2));
    }
    return sb.toString();
  }

  private final class Log implements CallLog {
    @Override
    public List<RecordedCall> all() {
      synchronized (RdsSimulation.this) {
        return List.copyOf(calls);
      }
    }

    @Override
    public Mark mark() {
      synchronized (RdsSimulation.this) {
        return new Mark(calls.size());
      }
    }

    @Override
    public List<RecordedCall> since(Mark mark) {
      synchronized (RdsSimulation.this) {
        int from = (int) Math.min(mark.afterSequence(), calls.size());
        return List.copyOf(calls.subList(from, calls.size()));
      }
    }

    @Override
    public String toString() {
      return "CallLog[" + all().size() + " calls]";
    }
  }

  private final class FaultControl implements Faults {
    @Override
    public Faults throttleNext(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("calls must not be negative: " + n);
      }
      synchronized (RdsSimulation.this) {
        throttleNext = n;
      }
      return this;
    }

    @Override
    public Faults throttleShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("share must be within [0, 1]: " + share);
      }
      synchronized (RdsSimulation.this) {
        throttleShare = share;
      }
      return this;
    }

    @Override
    public Faults failNext(String operation, String errorCode) {
      return failNext(operation, errorCode, RdsErrors.statusFor(errorCode));
    }

    @Override
    public Faults failNext(String operation, String errorCode, int httpStatus) {
      if (!SUPPORTED_OPERATIONS.contains(operation)) {
        throw new IllegalArgumentException("the fake RDS does not support " + operation
            + "; supported operations: " + new java.util.TreeSet<>(SUPPORTED_OPERATIONS));
      }
      if (httpStatus < 400 || httpStatus > 599) {
        throw new IllegalArgumentException("an error's HTTP status is 400..599, not "
            + httpStatus);
      }
      synchronized (RdsSimulation.this) {
        failNext.computeIfAbsent(operation, k -> new ArrayDeque<>())
            .add(new FaultSpec(errorCode, httpStatus));
      }
      return this;
    }

    @Override
    public Faults describeLag(Duration lag) {
      if (lag.isNegative()) {
        throw new IllegalArgumentException("lag must not be negative: " + lag);
      }
      synchronized (RdsSimulation.this) {
        describeLag = lag;
      }
      return this;
    }

    @Override
    public Faults failInstance(String instanceId, String status) {
      return failInstanceAfter(instanceId, status, Duration.ZERO);
    }

    @Override
    public Faults failInstanceAfter(String instanceId, String status, Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative: " + delay);
      }
      synchronized (RdsSimulation.this) {
        Instant now = clock.instant();
        settleAll(now);
        SimInstance i = instances.get(instanceId.toLowerCase(Locale.ROOT));
        if (i == null) {
          throw new IllegalArgumentException("no DB instance " + instanceId + " in the fake");
        }
        i.failure = new SimInstance.Failure(status, now.plus(delay));
        i.failureRecorded = false;
        i.settle(now);
      }
      return this;
    }

    @Override
    public Faults clear() {
      synchronized (RdsSimulation.this) {
        failNext.clear();
        throttleNext = 0;
        throttleShare = 0;
        describeLag = Duration.ZERO;
        lagViews.clear();
      }
      return this;
    }

    @Override
    public String toString() {
      return "Faults";
    }
  }
}
