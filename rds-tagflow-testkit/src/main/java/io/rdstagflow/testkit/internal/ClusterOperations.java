package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.ClusterHistory;
import io.rdstagflow.testkit.LifecycleTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.model.CreateDbClusterParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.CreateDbClusterParameterGroupResponse;
import software.amazon.awssdk.services.rds.model.CreateDbClusterRequest;
import software.amazon.awssdk.services.rds.model.CreateDbClusterResponse;
import software.amazon.awssdk.services.rds.model.CreateDbClusterSnapshotRequest;
import software.amazon.awssdk.services.rds.model.CreateDbClusterSnapshotResponse;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotResponse;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterToPointInTimeRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterToPointInTimeResponse;

/**
 * The Aurora side of the simulation, for {@link Simulation}: the cluster operations' dispatch and
 * the collaborators behind them ({@link Clusters}, {@link ClusterModification},
 * {@link ClusterQuery}, {@link ClusterSnapshots}, {@link ClusterParameterGroups},
 * {@link Members}), and the control methods a test calls. Called under the simulation's lock.
 */
final class ClusterOperations {

  private final Clusters clusters;
  private final ClusterModification modification;
  private final ClusterQuery query;
  private final ClusterSnapshots snapshots;
  private final ClusterParameterGroups parameterGroups;
  private final ClusterRendering rendering;
  private final Members members;
  private final Duration snapshotting;

  ClusterOperations(Store store, Arns arns, LifecycleTimings timings, DescribeLag lag,
      Instances instances, ClusterRendering rendering) {
    ClusterStore cs = store.clusters;
    this.rendering = rendering;
    this.parameterGroups = new ClusterParameterGroups(cs, arns);
    this.snapshots = new ClusterSnapshots(cs, arns, rendering);
    this.clusters = new Clusters(cs, arns, timings.clusters(), rendering, lag, parameterGroups,
        snapshots);
    this.modification = new ClusterModification(clusters, parameterGroups,
        timings.applyingParameterGroup());
    this.query = new ClusterQuery(cs, arns, clusters, lag);
    this.members = new Members(store, arns, instances, clusters, rendering);
    this.snapshotting = timings.clusters().snapshotting();
  }

  /** What the instance operations ask about members. */
  Members members() {
    return members;
  }

  /** Brings the clusters with something ahead up to {@code now}; at the start of every call. */
  void settleAll(Instant now) {
    clusters.settleAll(now);
  }

  /** Handles one call of a {@link ClusterFields#OPERATIONS cluster operation}. */
  Object call(String op, SdkRequest r, Instant now, String rid) {
    return switch (op) {
      case "CreateDBCluster" -> CreateDbClusterResponse.builder().dbCluster(rendering.creating(
          clusters.create((CreateDbClusterRequest) r, now, rid, false), now)).build();
      case "RestoreDBClusterFromSnapshot" -> RestoreDbClusterFromSnapshotResponse.builder()
          .dbCluster(rendering.creating(clusters.restoreFromSnapshot(
              (RestoreDbClusterFromSnapshotRequest) r, now, rid), now)).build();
      case "RestoreDBClusterToPointInTime" -> RestoreDbClusterToPointInTimeResponse.builder()
          .dbCluster(rendering.creating(clusters.restoreToPointInTime(
              (RestoreDbClusterToPointInTimeRequest) r, now, rid), now)).build();
      case "DescribeDBClusters" -> query.describe((DescribeDbClustersRequest) r, now, rid);
      case "ModifyDBCluster" -> ModifyDbClusterResponse.builder()
          .dbCluster(modification.modify((ModifyDbClusterRequest) r, now, rid)).build();
      case "DeleteDBCluster" -> DeleteDbClusterResponse.builder()
          .dbCluster(clusters.delete((DeleteDbClusterRequest) r, now, rid)).build();
      case "CreateDBClusterSnapshot" -> {
        CreateDbClusterSnapshotRequest c = (CreateDbClusterSnapshotRequest) r;
        SimCluster cluster = clusters.existing(c.dbClusterIdentifier(), now, rid);
        clusters.requireAvailable(cluster, now, rid);
        yield CreateDbClusterSnapshotResponse.builder().dbClusterSnapshot(rendering.snapshot(
            snapshots.take(cluster, c.dbClusterSnapshotIdentifier(),
                c.hasTags() ? c.tags() : List.of(), now, snapshotting, rid), now)).build();
      }
      case "DescribeDBClusterSnapshots" ->
          snapshots.describe((DescribeDbClusterSnapshotsRequest) r, now, rid);
      case "CreateDBClusterParameterGroup" -> CreateDbClusterParameterGroupResponse.builder()
          .dbClusterParameterGroup(parameterGroups.create(
              (CreateDbClusterParameterGroupRequest) r, rid)).build();
      case "DescribeDBClusterParameterGroups" ->
          parameterGroups.describe((DescribeDbClusterParameterGroupsRequest) r, rid);
      default -> throw new IllegalStateException("no dispatch for " + op);
    };
  }

  // ---------------------------------------------------------------- control

  DBCluster givenCluster(CreateDbClusterRequest r, Instant now, String rid) {
    return clusters.render(clusters.create(r, now, rid, true), now);
  }

  DBClusterSnapshot givenClusterSnapshot(DBClusterSnapshot spec, Instant now, String rid) {
    return snapshots.given(spec, now, rid);
  }

  DBClusterParameterGroup givenClusterParameterGroup(String name, String family,
      String description, String rid) {
    return parameterGroups.put(name, family, description, List.of(), rid);
  }

  void fail(String clusterId, String status, Duration delay, Instant now) {
    clusters.fail(clusterId, status, delay, now);
  }

  Optional<ClusterHistory> history(String clusterId, Instant now) {
    return clusters.history(clusterId, now);
  }

  List<ClusterHistory> histories(Instant now) {
    return clusters.histories(now);
  }
}
