package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.AccountBudget;
import io.rdstagflow.testkit.CallLog;
import io.rdstagflow.testkit.FieldBehaviour;
import io.rdstagflow.testkit.InstanceHistory;
import io.rdstagflow.testkit.LatencyModel;
import io.rdstagflow.testkit.LifecycleTimings;
import io.rdstagflow.testkit.RecordedCall;
import io.rdstagflow.testkit.UnsupportedByFakeRdsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupResponse;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotResponse;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceResponse;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeResponse;
import software.amazon.awssdk.utils.builder.CopyableBuilder;
import software.amazon.awssdk.utils.builder.ToCopyableBuilder;

/**
 * The simulated RDS behind a {@link io.rdstagflow.testkit.FakeRds}: one lock (this object's
 * monitor) and the collaborators it guards, each one idea: {@link CallRecorder},
 * {@link FaultInjector} and {@link DescribeLag}, {@link FieldPolicy}, {@link Instances} and
 * {@link Modification}, {@link Tagging}, {@link Snapshots}, {@link ParameterGroups},
 * {@link Rendering}, {@link AccountBucket}. A call brings the instances up to the clock
 * (those with an event due, see {@link Agenda}), is checked, admitted by the account's bucket,
 * faulted, dispatched and recorded, all under the lock, which is all the thread safety a test
 * double needs; the call listener is told outside the lock.
 */
final class Simulation {

  /** The operations the fake simulates, by their RDS names. */
  static final Set<String> SUPPORTED_OPERATIONS = Set.of(
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

  private final Clock clock;
  private final LifecycleTimings timings;
  private final Arns arns;
  private final Rendering rendering;
  private final CallRecorder calls;
  private final FieldPolicy fields;
  private final Instances instances;
  private final Modification modification;
  private final Tagging tagging;
  private final Snapshots snapshots;
  private final ParameterGroups parameterGroups;
  private final FaultInjector faults;
  private final AccountBucket budget;
  private final LatencyModel latency;
  private final Random latencyRandom;
  private final Consumer<RecordedCall> listener;

  /** What one call did, handed out of the lock: its response or error, and its record. */
  private record Result(Object response, RuntimeException error, RecordedCall recorded) {}

  Simulation(Clock clock, LifecycleTimings timings, long seed, String region, String accountId,
      Map<String, Map<String, FieldBehaviour>> optIns) {
    this(clock, timings, seed, region, accountId, optIns, FleetOptions.NONE);
  }

  Simulation(Clock clock, LifecycleTimings timings, long seed, String region, String accountId,
      Map<String, Map<String, FieldBehaviour>> optIns, FleetOptions fleet) {
    this.clock = clock;
    this.timings = timings;
    Store store = new Store();
    Arns arns = new Arns(region, accountId);
    DescribeLag lag = new DescribeLag();
    this.rendering = new Rendering(arns);
    this.calls = new CallRecorder(this, fleet.callLogCapacity());
    this.budget = new AccountBucket(this, clock, fleet.ratePerSecond(), fleet.burst());
    this.latency = fleet.latency();
    // A source of its own, so that a latency model leaves the faults' draws as they were.
    this.latencyRandom = new Random(seed ^ 0x9E3779B97F4A7C15L);
    this.listener = fleet.listener();
    this.fields = new FieldPolicy(optIns);
    this.tagging = new Tagging(store, arns, rendering, lag);
    this.snapshots = new Snapshots(store, arns, rendering, timings.snapshotting());
    this.parameterGroups = new ParameterGroups(store, arns);
    this.instances = new Instances(store, arns, timings, rendering, lag, parameterGroups,
        snapshots);
    this.modification = new Modification(instances, parameterGroups, arns);
    this.faults = new FaultInjector(this, clock, seed, lag, instances);
    this.arns = arns;
    instances.creatingSpread(new CreatingSpread(fleet.creatingSpread(), seed));
  }

  Clock clock() {
    return clock;
  }

  LifecycleTimings timings() {
    return timings;
  }

  FaultInjector faults() {
    return faults;
  }

  CallLog calls() {
    return calls;
  }

  AccountBudget budget() {
    return budget;
  }

  String instanceArn(String id) {
    return arns.instanceArn(id);
  }

  /**
   * Handles one supported call: checks its fields, takes a token from the account's bucket,
   * applies faults, then the operation, all under the lock; then, outside it, tells the
   * listener.
   */
  Object call(String operation, SdkRequest request) {
    Result result;
    synchronized (this) {
      result = callLocked(operation, request);
    }
    if (listener != null) {
      listener.accept(result.recorded());
    }
    if (result.error() != null) {
      throw result.error();
    }
    return result.response();
  }

  private Result callLocked(String operation, SdkRequest request) {
    Instant now = clock.instant();
    instances.settleAll(now);
    String instanceId = Arns.instanceIdOf(request);
    String requestId = calls.nextRequestId();
    List<String> ignored = List.of();
    FieldPolicy.Outcome outcome;
    try {
      outcome = fields.check(operation, request);
    } catch (UnsupportedByFakeRdsException e) {
      return new Result(null, e, calls.record(operation, instanceId, request, now,
          "UnsupportedByFake", ignored));
    }
    ignored = outcome.ignored();
    Duration took = latencyOf(operation);
    try {
      budget.admit(now, requestId);
      faults.inject(operation, requestId);
      Object response = dispatch(operation, request, now, requestId);
      response = runBehaviours(outcome, request, response);
      return new Result(response, null,
          calls.record(operation, instanceId, request, now, null, ignored, took));
    } catch (RdsException e) {
      return new Result(null, e, calls.record(operation, instanceId, request, now,
          e.awsErrorDetails().errorCode(), ignored, took));
    } catch (UnsupportedByFakeRdsException e) {
      return new Result(null, e, calls.record(operation, instanceId, request, now,
          "UnsupportedByFake", ignored));
    } finally {
      // Whatever the operation did to the instance it names, its next event is noted.
      instances.reschedule(instanceId, now);
    }
  }

  private Duration latencyOf(String operation) {
    Duration d = latency.latency(operation, latencyRandom);
    if (d == null || d.isNegative()) {
      throw new IllegalStateException("the latency model gave " + d + " for " + operation);
    }
    return d;
  }

  /** Records a call of an operation the fake does not simulate and makes the refusal. */
  UnsupportedByFakeRdsException refuse(String operation, SdkRequest request, String message) {
    RecordedCall recorded;
    synchronized (this) {
      recorded = calls.record(operation, null, request, clock.instant(), "UnsupportedByFake",
          List.of());
    }
    if (listener != null) {
      listener.accept(recorded);
    }
    return new UnsupportedByFakeRdsException(operation, message);
  }

  private Object dispatch(String op, SdkRequest r, Instant now, String rid) {
    return switch (op) {
      case "CreateDBInstance" -> CreateDbInstanceResponse.builder().dbInstance(rendering.creating(
          instances.create((CreateDbInstanceRequest) r, now, rid, false), now)).build();
      case "RestoreDBInstanceFromDBSnapshot" -> RestoreDbInstanceFromDbSnapshotResponse.builder()
          .dbInstance(rendering.creating(instances.restoreFromSnapshot(
              (RestoreDbInstanceFromDbSnapshotRequest) r, now, rid), now)).build();
      case "RestoreDBInstanceToPointInTime" -> RestoreDbInstanceToPointInTimeResponse.builder()
          .dbInstance(rendering.creating(instances.restoreToPointInTime(
              (RestoreDbInstanceToPointInTimeRequest) r, now, rid), now)).build();
      case "DescribeDBInstances" -> instances.describe((DescribeDbInstancesRequest) r, now, rid);
      case "ModifyDBInstance" -> ModifyDbInstanceResponse.builder()
          .dbInstance(modification.modify((ModifyDbInstanceRequest) r, now, rid)).build();
      case "RebootDBInstance" -> RebootDbInstanceResponse.builder()
          .dbInstance(instances.reboot((RebootDbInstanceRequest) r, now, rid)).build();
      case "DeleteDBInstance" -> DeleteDbInstanceResponse.builder()
          .dbInstance(instances.delete((DeleteDbInstanceRequest) r, now, rid)).build();
      case "AddTagsToResource" -> tagging.add((AddTagsToResourceRequest) r, now, rid);
      case "RemoveTagsFromResource" -> tagging.remove((RemoveTagsFromResourceRequest) r, now, rid);
      case "ListTagsForResource" -> tagging.list((ListTagsForResourceRequest) r, rid);
      case "CreateDBSnapshot" -> {
        CreateDbSnapshotRequest c = (CreateDbSnapshotRequest) r;
        SimInstance i = instances.existing(c.dbInstanceIdentifier(), rid);
        instances.requireAvailable(i, now, rid);
        yield CreateDbSnapshotResponse.builder().dbSnapshot(snapshots.create(c, i, now, rid))
            .build();
      }
      case "DescribeDBSnapshots" -> snapshots.describe((DescribeDbSnapshotsRequest) r, now, rid);
      case "CreateDBParameterGroup" -> CreateDbParameterGroupResponse.builder()
          .dbParameterGroup(parameterGroups.create((CreateDbParameterGroupRequest) r, rid))
          .build();
      case "DescribeDBParameterGroups" ->
          parameterGroups.describe((DescribeDbParameterGroupsRequest) r, rid);
      default -> throw new IllegalStateException("no dispatch for " + op);
    };
  }

  /**
   * Runs the test's behaviours for the fields they handle; the overlays they add also shape the
   * response's {@code DBInstance}.
   */
  private Object runBehaviours(FieldPolicy.Outcome outcome, SdkRequest request,
      Object response) {
    if (outcome.behaviours().isEmpty()) {
      return response;
    }
    SimInstance i = instances.find(Arns.instanceIdOf(request));
    if (i == null) {
      throw new IllegalStateException("no instance for " + request);
    }
    int before = i.overlays.size();
    InstanceView view = new InstanceView(this, i, rendering, clock);
    outcome.behaviours().values().forEach(b -> b.apply(request, view));
    if (i.overlays.size() == before) {
      return response;
    }
    List<Consumer<DBInstance.Builder>> added = List.copyOf(i.overlays.subList(before,
        i.overlays.size()));
    return withInstance(response, d -> {
      DBInstance.Builder b = d.toBuilder();
      added.forEach(o -> o.accept(b));
      return b.build();
    });
  }

  /**
   * {@code response} with its {@code DBInstance} (a describe's own, or the member of a create's,
   * restore's, modify's, reboot's or delete's response) passed through {@code change}.
   */
  private static Object withInstance(Object response, UnaryOperator<DBInstance> change) {
    if (response instanceof DBInstance d) {
      return change.apply(d);
    }
    if (!(response instanceof ToCopyableBuilder<?, ?> copyable)) {
      return response;
    }
    SdkPojo pojo = (SdkPojo) response;
    for (SdkField<?> f : pojo.sdkFields()) {
      if (f.memberName().equals("DBInstance") && f.getValueOrDefault(pojo) instanceof DBInstance d) {
        CopyableBuilder<?, ?> builder = copyable.toBuilder();
        f.set(builder, change.apply(d));
        return builder.build();
      }
    }
    return response;
  }

  // ---------------------------------------------------------------- control

  synchronized DBSnapshot givenSnapshot(DBSnapshot spec) {
    return snapshots.given(spec, clock.instant(), calls.nextRequestId());
  }

  synchronized List<String> givenInstances(String prefix, int count,
      CreateDbInstanceRequest template) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    Instant now = clock.instant();
    instances.settleAll(now);
    FieldPolicy.Outcome outcome = fields.check("CreateDBInstance", template);
    String rid = calls.nextRequestId();
    String format = "%s%0" + Integer.toString(Math.max(count - 1, 0)).length() + "d";
    List<String> ids = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      ids.add(String.format(Locale.ROOT, format, prefix, n).toLowerCase(Locale.ROOT));
    }
    instances.checkNewIdentifiers(ids, rid);
    for (String id : ids) {
      CreateDbInstanceRequest r = template.toBuilder().dbInstanceIdentifier(id).build();
      SimInstance i = instances.create(r, now, rid, true);
      if (!outcome.behaviours().isEmpty()) {
        runBehaviours(outcome, r, rendering.instance(i, now));
      }
    }
    return List.copyOf(ids);
  }

  synchronized DBInstance givenInstance(CreateDbInstanceRequest request) {
    Instant now = clock.instant();
    instances.settleAll(now);
    FieldPolicy.Outcome outcome = fields.check("CreateDBInstance", request);
    SimInstance i = instances.create(request, now, calls.nextRequestId(), true);
    return (DBInstance) runBehaviours(outcome, request, rendering.instance(i, now));
  }

  synchronized DBParameterGroup givenParameterGroup(String name, String family,
      String description) {
    return parameterGroups.put(name, family, description, List.of(), calls.nextRequestId());
  }

  synchronized void runMaintenance(String instanceId) {
    Instant now = clock.instant();
    instances.settleAll(now);
    instances.runMaintenance(instanceId, now);
  }

  synchronized Optional<InstanceHistory> history(String instanceId) {
    instances.settleAll(clock.instant());
    return instances.history(instanceId);
  }

  synchronized List<InstanceHistory> histories() {
    instances.settleAll(clock.instant());
    return instances.histories();
  }

  synchronized String report() {
    StringBuilder sb = new StringBuilder("Fake RDS at ").append(clock.instant())
        .append("\nCalls:\n");
    List<RecordedCall> recorded = calls.recorded();
    if (recorded.isEmpty()) {
      sb.append("  (none)\n");
    }
    for (RecordedCall c : recorded) {
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
}
