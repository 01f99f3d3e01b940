package io.rdstagflow.aws;

import io.rdstagflow.aws.upgrade.EngineUpgrades;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowStart;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Starts the RDS operations a flow follows: a restore from a snapshot, a point-in-time restore or a
 * create, each issued from the broker's own SDK request with the flow's tags merged into the
 * request's {@code Tags}, so instance and flow state are born together in one call; an engine
 * upgrade of an existing instance; and a deletion.
 * Each returns the operation token the broker hands back as OSB's {@code operation}.
 *
 * <p><b>Tags on restore:</b> RDS copies the snapshot's tags to the restored instance only when the
 * request carries no tags. A request from here always carries the flow's tags, so the snapshot's are
 * not copied: put the tags the new instance should have in the request (they are kept, merged with
 * the flow's). A request whose tags and the flow's exceed 50 is refused before any call.
 *
 * <p>The RDS call's own exceptions (for example {@code DbSnapshotNotFoundException}) reach the
 * caller unchanged; nothing was written when one is thrown, and the engine's listener hears
 * {@code flowStarted} only once RDS accepted the request. The tags are checked against RDS's limit
 * with the claim policy's lease counted, so no accepted start runs out of room later. Thread-safe.
 */
public final class RdsStarter {

  private final RdsClient rds;
  private final TagStateMachine engine;

  /** A starter calling RDS through the broker's client, for flows registered with {@code engine}. */
  public RdsStarter(RdsClient rds, TagStateMachine engine) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /**
   * Restores an instance from a snapshot with the tags of an operation of this flow (registered
   * with the engine).
   *
   * @throws io.rdstagflow.core.TagflowException if the flow is not registered, a parameter is
   *     invalid or the tags would not fit; no call was made
   */
  public OperationToken restoreFromSnapshot(Flow flow, Map<String, String> parameters,
      RestoreDbInstanceFromDbSnapshotRequest request) {
    FlowStart start = engine.startTags(request.dbInstanceIdentifier(), flow, parameters);
    rds.restoreDBInstanceFromDBSnapshot(request.toBuilder().tags(merged(start, request.tags())).build());
    return accepted(request.dbInstanceIdentifier(), start);
  }

  /** As {@link #restoreFromSnapshot(Flow, Map, RestoreDbInstanceFromDbSnapshotRequest)}, shaping the request in place. */
  public OperationToken restoreFromSnapshot(Flow flow, Map<String, String> parameters,
      Consumer<RestoreDbInstanceFromDbSnapshotRequest.Builder> request) {
    return restoreFromSnapshot(flow, parameters, RestoreDbInstanceFromDbSnapshotRequest.builder().applyMutation(request)
        .build());
  }

  /** As {@link #restoreFromSnapshot(Flow, Map, RestoreDbInstanceFromDbSnapshotRequest)} for the newest flow of this name. */
  public OperationToken restoreFromSnapshot(String flowName, Map<String, String> parameters,
      RestoreDbInstanceFromDbSnapshotRequest request) {
    return restoreFromSnapshot(engine.flow(flowName), parameters, request);
  }

  /** As {@link #restoreFromSnapshot(String, Map, RestoreDbInstanceFromDbSnapshotRequest)}, shaping the request in place. */
  public OperationToken restoreFromSnapshot(String flowName, Map<String, String> parameters,
      Consumer<RestoreDbInstanceFromDbSnapshotRequest.Builder> request) {
    return restoreFromSnapshot(engine.flow(flowName), parameters, request);
  }

  /** Restores an instance to a point in time with the flow's tags; see {@link #restoreFromSnapshot}. */
  public OperationToken restoreToPointInTime(Flow flow, Map<String, String> parameters,
      RestoreDbInstanceToPointInTimeRequest request) {
    FlowStart start = engine.startTags(request.targetDBInstanceIdentifier(), flow, parameters);
    rds.restoreDBInstanceToPointInTime(request.toBuilder().tags(merged(start, request.tags())).build());
    return accepted(request.targetDBInstanceIdentifier(), start);
  }

  /** As {@link #restoreToPointInTime(Flow, Map, RestoreDbInstanceToPointInTimeRequest)}, shaping the request in place. */
  public OperationToken restoreToPointInTime(Flow flow, Map<String, String> parameters,
      Consumer<RestoreDbInstanceToPointInTimeRequest.Builder> request) {
    return restoreToPointInTime(flow, parameters, RestoreDbInstanceToPointInTimeRequest.builder().applyMutation(request)
        .build());
  }

  /** As {@link #restoreToPointInTime(Flow, Map, RestoreDbInstanceToPointInTimeRequest)} for the newest flow of this name. */
  public OperationToken restoreToPointInTime(String flowName, Map<String, String> parameters,
      RestoreDbInstanceToPointInTimeRequest request) {
    return restoreToPointInTime(engine.flow(flowName), parameters, request);
  }

  /** As {@link #restoreToPointInTime(String, Map, RestoreDbInstanceToPointInTimeRequest)}, shaping the request in place. */
  public OperationToken restoreToPointInTime(String flowName, Map<String, String> parameters,
      Consumer<RestoreDbInstanceToPointInTimeRequest.Builder> request) {
    return restoreToPointInTime(engine.flow(flowName), parameters, request);
  }

  /** Creates an instance with the flow's tags; see {@link #restoreFromSnapshot}. */
  public OperationToken create(Flow flow, Map<String, String> parameters, CreateDbInstanceRequest request) {
    FlowStart start = engine.startTags(request.dbInstanceIdentifier(), flow, parameters);
    rds.createDBInstance(request.toBuilder().tags(merged(start, request.tags())).build());
    return accepted(request.dbInstanceIdentifier(), start);
  }

  /** As {@link #create(Flow, Map, CreateDbInstanceRequest)}, shaping the request in place. */
  public OperationToken create(Flow flow, Map<String, String> parameters, Consumer<CreateDbInstanceRequest.Builder> request) {
    return create(flow, parameters, CreateDbInstanceRequest.builder().applyMutation(request).build());
  }

  /** As {@link #create(Flow, Map, CreateDbInstanceRequest)} for the newest flow of this name. */
  public OperationToken create(String flowName, Map<String, String> parameters, CreateDbInstanceRequest request) {
    return create(engine.flow(flowName), parameters, request);
  }

  /** As {@link #create(String, Map, CreateDbInstanceRequest)}, shaping the request in place. */
  public OperationToken create(String flowName, Map<String, String> parameters,
      Consumer<CreateDbInstanceRequest.Builder> request) {
    return create(engine.flow(flowName), parameters, request);
  }

  /**
   * Upgrades the instance's engine to {@code targetVersion} with the ready engine upgrade flow (or
   * any flow with an {@link io.rdstagflow.aws.upgrade.EngineUpgradeStep}): finds the path of hops
   * with DescribeDBEngineVersions, refuses what cannot work before anything changes, and begins
   * the flow with the path in its parameter. See {@link EngineUpgrades}.
   *
   * @throws io.rdstagflow.aws.upgrade.UpgradeRefusedException if the upgrade cannot work, saying
   *     why (a downgrade, a version RDS does not offer, no path, an unsupported instance class, ...)
   * @throws io.rdstagflow.core.ConcurrentOperationException if another operation runs
   * @throws io.rdstagflow.core.TagflowException if the flow is not registered or the tags would not fit
   */
  public OperationToken upgradeEngine(Flow flow, String instanceId, String targetVersion) {
    return new EngineUpgrades(rds, engine).begin(flow, instanceId, targetVersion);
  }

  /** RDS accepted the request that carried the operation's tags: it has begun. */
  private OperationToken accepted(String instanceId, FlowStart start) {
    engine.startAccepted(instanceId, start);
    return start.token();
  }

  /**
   * Deletes an instance: one DeleteDBInstance. Polled with the returned token, the operation answers
   * {@code in progress} while the instance exists and {@code succeeded} once it is gone.
   *
   * @param options the request's other fields (final snapshot, automated backups); the identifier
   *     is set here
   */
  public OperationToken delete(String instanceId, Consumer<DeleteDbInstanceRequest.Builder> options) {
    OperationToken token = engine.deletionToken();
    rds.deleteDBInstance(DeleteDbInstanceRequest.builder().applyMutation(options).dbInstanceIdentifier(instanceId).build());
    return token;
  }

  private static List<Tag> merged(FlowStart start, List<Tag> requestTags) {
    Map<String, String> own = new LinkedHashMap<>();
    for (Tag t : requestTags) {
      own.put(t.key(), t.value());
    }
    Map<String, String> all = start.mergedWith(own);
    return all.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }
}
