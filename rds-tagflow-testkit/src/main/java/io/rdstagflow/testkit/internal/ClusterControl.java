package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.ClusterHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.CreateDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterParameterGroup;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;

/**
 * The fake's control methods for clusters ({@code FakeRds.givenCluster}, the cluster histories,
 * a failed cluster...): each takes the simulation's lock and brings the fake up to its clock
 * first, as a call does; none is recorded in the call log.
 */
final class ClusterControl {

  private final Object lock;
  private final Clock clock;
  private final Instances instances;
  private final ClusterOperations clusters;
  private final CallRecorder calls;
  private final FieldPolicy fields;
  private final Arns arns;

  ClusterControl(Object lock, Clock clock, Instances instances, ClusterOperations clusters,
      CallRecorder calls, FieldPolicy fields, Arns arns) {
    this.lock = lock;
    this.clock = clock;
    this.instances = instances;
    this.clusters = clusters;
    this.calls = calls;
    this.fields = fields;
    this.arns = arns;
  }

  private Instant settled() {
    Instant now = clock.instant();
    instances.settleAll(now);
    clusters.settleAll(now);
    return now;
  }

  String clusterArn(String clusterId) {
    return arns.clusterArn(clusterId);
  }

  DBCluster givenCluster(CreateDbClusterRequest request) {
    synchronized (lock) {
      Instant now = settled();
      fields.check("CreateDBCluster", request);
      return clusters.givenCluster(request, now, calls.nextRequestId());
    }
  }

  DBClusterSnapshot givenClusterSnapshot(DBClusterSnapshot spec) {
    synchronized (lock) {
      return clusters.givenClusterSnapshot(spec, settled(), calls.nextRequestId());
    }
  }

  DBClusterParameterGroup givenClusterParameterGroup(String name, String family,
      String description) {
    synchronized (lock) {
      return clusters.givenClusterParameterGroup(name, family, description,
          calls.nextRequestId());
    }
  }

  void failCluster(String clusterId, String status, Duration delay) {
    synchronized (lock) {
      clusters.fail(clusterId, status, delay, settled());
    }
  }

  Optional<ClusterHistory> history(String clusterId) {
    synchronized (lock) {
      return clusters.history(clusterId, settled());
    }
  }

  List<ClusterHistory> histories() {
    synchronized (lock) {
      return clusters.histories(settled());
    }
  }
}
