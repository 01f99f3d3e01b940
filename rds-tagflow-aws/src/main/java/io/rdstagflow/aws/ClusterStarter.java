package io.rdstagflow.aws;

import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.FlowStart;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbClusterRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Starts the Aurora cluster operations a cluster flow follows, the cluster's counterpart of
 * {@link RdsStarter}: a restore from a cluster snapshot (RestoreDBClusterFromSnapshot), a
 * point-in-time restore (RestoreDBClusterToPointInTime) or a create (CreateDBCluster), each issued
 * from the broker's own SDK request with the flow's tags merged into the request's {@code Tags}, so
 * the cluster and the flow's state are born together in one call; and a deletion
 * ({@link #delete}). Each returns the operation token the broker hands back as OSB's
 * {@code operation}. The engine is one over {@link SdkClusterGateway} with the flows registered.
 *
 * <p>None of the three creates an instance: the flow's {@code writer} step does, once the cluster is
 * available (RDS refuses instances before). <b>Tags:</b> as for instances, put in the request the
 * tags the new cluster should have (kept, merged with the flow's); a request whose tags and the
 * flow's exceed 50 is refused before any call.
 *
 * <p>The RDS call's own exceptions ({@code DbClusterSnapshotNotFoundException},
 * {@code DbClusterAlreadyExistsException}, ...) reach the caller unchanged; nothing was written when
 * one is thrown. Thread-safe.
 */
public final class ClusterStarter {

  private final RdsClient rds;
  private final TagStateMachine engine;

  /** A starter calling RDS through the broker's client, for cluster flows registered with {@code engine}. */
  public ClusterStarter(RdsClient rds, TagStateMachine engine) {
    this.rds = Objects.requireNonNull(rds, "rds");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /**
   * Restores a cluster from a cluster snapshot with the tags of an operation of this flow.
   *
   * @throws io.rdstagflow.core.TagflowException if the flow is not registered, a parameter is
   *     invalid or the tags would not fit; no call was made
   */
  public OperationToken restoreFromSnapshot(Flow flow, Map<String, String> parameters,
      RestoreDbClusterFromSnapshotRequest request) {
    FlowStart start = engine.startTags(request.dbClusterIdentifier(), flow, parameters);
    rds.restoreDBClusterFromSnapshot(request.toBuilder().tags(merged(start, request.tags())).build());
    return accepted(request.dbClusterIdentifier(), start);
  }

  /** As {@link #restoreFromSnapshot(Flow, Map, RestoreDbClusterFromSnapshotRequest)}, shaping the request in place. */
  public OperationToken restoreFromSnapshot(Flow flow, Map<String, String> parameters,
      Consumer<RestoreDbClusterFromSnapshotRequest.Builder> request) {
    return restoreFromSnapshot(flow, parameters, RestoreDbClusterFromSnapshotRequest.builder().applyMutation(request)
        .build());
  }

  /** As {@link #restoreFromSnapshot(Flow, Map, Consumer)} for the newest flow of this name. */
  public OperationToken restoreFromSnapshot(String flowName, Map<String, String> parameters,
      Consumer<RestoreDbClusterFromSnapshotRequest.Builder> request) {
    return restoreFromSnapshot(engine.flow(flowName), parameters, request);
  }

  /** Restores a cluster to a point in time with the flow's tags; see {@link #restoreFromSnapshot}. */
  public OperationToken restoreToPointInTime(Flow flow, Map<String, String> parameters,
      RestoreDbClusterToPointInTimeRequest request) {
    FlowStart start = engine.startTags(request.dbClusterIdentifier(), flow, parameters);
    rds.restoreDBClusterToPointInTime(request.toBuilder().tags(merged(start, request.tags())).build());
    return accepted(request.dbClusterIdentifier(), start);
  }

  /** As {@link #restoreToPointInTime(Flow, Map, RestoreDbClusterToPointInTimeRequest)}, shaping the request in place. */
  public OperationToken restoreToPointInTime(Flow flow, Map<String, String> parameters,
      Consumer<RestoreDbClusterToPointInTimeRequest.Builder> request) {
    return restoreToPointInTime(flow, parameters, RestoreDbClusterToPointInTimeRequest.builder()
        .applyMutation(request).build());
  }

  /** As {@link #restoreToPointInTime(Flow, Map, Consumer)} for the newest flow of this name. */
  public OperationToken restoreToPointInTime(String flowName, Map<String, String> parameters,
      Consumer<RestoreDbClusterToPointInTimeRequest.Builder> request) {
    return restoreToPointInTime(engine.flow(flowName), parameters, request);
  }

  /** Creates a cluster with the flow's tags; see {@link #restoreFromSnapshot}. */
  public OperationToken create(Flow flow, Map<String, String> parameters, CreateDbClusterRequest request) {
    FlowStart start = engine.startTags(request.dbClusterIdentifier(), flow, parameters);
    rds.createDBCluster(request.toBuilder().tags(merged(start, request.tags())).build());
    return accepted(request.dbClusterIdentifier(), start);
  }

  /** As {@link #create(Flow, Map, CreateDbClusterRequest)}, shaping the request in place. */
  public OperationToken create(Flow flow, Map<String, String> parameters, Consumer<CreateDbClusterRequest.Builder> request) {
    return create(flow, parameters, CreateDbClusterRequest.builder().applyMutation(request).build());
  }

  /** As {@link #create(Flow, Map, Consumer)} for the newest flow of this name. */
  public OperationToken create(String flowName, Map<String, String> parameters,
      Consumer<CreateDbClusterRequest.Builder> request) {
    return create(engine.flow(flowName), parameters, request);
  }

  /**
   * Deletes a cluster with a deletion flow ({@link ReadyClusterFlows#DELETE}, or another built with
   * {@code Flow.Builder.deletion()}): begins it (one describe, one tag write) and polls it at once,
   * so the members' DeleteDBInstance calls go out in the request that asked for the deletion.
   * Polled with the returned token, it answers {@code in progress} while the cluster exists and
   * {@code succeeded} once it is gone. An operation the tags still show running (say a restore
   * whose cluster failed while nobody polled it any more) is polled once first: if that poll ends
   * it, the deletion begins; otherwise the refusal stands.
   *
   * @throws IllegalArgumentException if the flow is not a deletion flow
   * @throws io.rdstagflow.core.ConcurrentOperationException while another operation runs on the
   *     cluster (OSB's 422), and the others {@code TagStateMachine.begin} throws
   * @throws io.rdstagflow.core.InstanceNotFoundException if the cluster does not exist (OSB's 410)
   */
  public OperationToken delete(String clusterId, Flow flow, Map<String, String> parameters) {
    if (!flow.isDeletion()) {
      throw new IllegalArgumentException("flow " + flow.name() + " is not a deletion flow (Flow.Builder.deletion())");
    }
    try {
      return engine.beginAndPoll(clusterId, flow, parameters).token();
    } catch (ConcurrentOperationException e) {
      // An operation that ended while nobody polled it (a member failed, say) still reads as running:
      // poll it once, which records its end if it has one, and begin again if it ended.
      Optional<Inspection.OperationView> running = engine.runningOperation(clusterId);
      if (running.isEmpty() || !engine.poll(clusterId, running.get().token()).isFinal()) {
        throw e;
      }
      return engine.beginAndPoll(clusterId, flow, parameters).token();
    }
  }

  /** As {@link #delete(String, Flow, Map)} for the newest flow of this name. */
  public OperationToken delete(String clusterId, String flowName, Map<String, String> parameters) {
    return delete(clusterId, engine.flow(flowName), parameters);
  }

  private OperationToken accepted(String clusterId, FlowStart start) {
    engine.startAccepted(clusterId, start);
    return start.token();
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
