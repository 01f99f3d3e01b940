package io.rdstagflow.testkit.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * The eventually consistent read a test may inject: for a while after each write,
 * DescribeDBInstances shows the instance as it was before the write, and DescribeDBClusters the
 * cluster. Guarded by the simulation's lock.
 */
final class DescribeLag {

  /** What a describe shows during the lag; {@code view == null}: the instance is not there yet. */
  record LagView(DBInstance view, Instant until) {}

  /** What DescribeDBClusters shows during the lag; {@code view == null}: not there yet. */
  record ClusterLagView(DBCluster view, Instant until) {}

  private final Map<String, LagView> views = new HashMap<>();
  private final Map<String, ClusterLagView> clusterViews = new HashMap<>();
  private Duration lag = Duration.ZERO;

  /** A new lag for writes from now on; {@link Duration#ZERO} turns it off. */
  void set(Duration lag) {
    this.lag = lag;
  }

  /** Turns the lag off and drops the views in force. */
  void clear() {
    lag = Duration.ZERO;
    views.clear();
    clusterViews.clear();
  }

  /** Records that {@code instanceId} looked like {@code before} just before a write at {@code now}. */
  void beforeWrite(String instanceId, DBInstance before, Instant now) {
    if (!lag.isZero()) {
      views.put(instanceId, new LagView(before, now.plus(lag)));
    }
  }

  /** Records that {@code clusterId} looked like {@code before} just before a write at {@code now}. */
  void beforeClusterWrite(String clusterId, DBCluster before, Instant now) {
    if (!lag.isZero()) {
      clusterViews.put(clusterId, new ClusterLagView(before, now.plus(lag)));
    }
  }

  /** The cluster views still in force at {@code now}, by cluster id. */
  Map<String, ClusterLagView> clusterViewsAt(Instant now) {
    clusterViews.values().removeIf(v -> !now.isBefore(v.until()));
    return clusterViews;
  }

  /** The views still in force at {@code now}, by instance id. */
  Map<String, LagView> viewsAt(Instant now) {
    views.values().removeIf(v -> !now.isBefore(v.until()));
    return views;
  }
}
