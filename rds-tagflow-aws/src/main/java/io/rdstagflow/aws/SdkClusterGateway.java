package io.rdstagflow.aws;

import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.spi.ErrorClassification;
import io.rdstagflow.core.spi.RdsGateway;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The engine's {@link RdsGateway} for Aurora DB clusters, over the broker's own SDK v2
 * {@link RdsClient}: an operation's state lives in the <em>cluster's</em> tags (the cluster owns the
 * storage and outlives any member), and the engine polls a cluster as it polls an instance.
 *
 * <h2>One describe: at most two calls</h2>
 *
 * <ol>
 *   <li>DescribeDBClusters for the cluster: its status, {@code ClusterPendingModifiedValues}
 *       (their names are the resource's {@link RdsInstance#pendingModifications() pending
 *       modifications}), endpoint (the writer's, where the bound-users step connects), engine,
 *       master user, ARN (which the tag calls address) and {@code TagList};
 *   <li>only when the cluster lists members: one DescribeDBInstances with the
 *       {@code db-cluster-id} filter, for every member's status and parameter groups.
 * </ol>
 *
 * A cluster right after its restore has no member, so its waiting polls cost one call; later ones
 * two. Each member becomes an {@link RdsInstance.Member}: its status, whether the cluster names it
 * the writer, and its parameter groups with their apply status: its DB parameter groups and the
 * cluster's parameter group as the cluster reports it for that member
 * ({@code DBClusterParameterGroupStatus}, {@code pending-reboot} after a static change). The
 * cluster itself reports no parameter group of its own ({@link RdsInstance#parameterGroups()} is
 * empty): the groups' states are the members'. A member the cluster lists that the second call did
 * not return (a lagging read) has the status {@value ClusterDescription#NOT_LISTED}, which the
 * engine counts as busy; an instance the second call returned that the cluster does not list yet
 * is a member that is not the writer. Steps get the SDK's objects without another call:
 * {@link ClusterDescription#of(io.rdstagflow.core.StepContext)}.
 *
 * <p>{@link #describeAll} describes up to 100 clusters the same way in two calls (more only if RDS
 * pages an answer), for the engine's coalesced describes.
 *
 * <h2>Errors</h2>
 *
 * As {@link SdkRdsGateway}'s (throttling, 5xx, client I/O and timeouts, {@code InvalidDBInstanceState}
 * transient; the AWS error code alone as the code), with the cluster's own codes:
 * {@code DBClusterNotFoundFault} is not found, {@code InvalidDBClusterStateFault} is transient, and
 * {@code DBInstanceNotFound} (of a member, from a step's call) is permanent: the resource the engine
 * polls is the cluster, which is there.
 *
 * <p>It never caches. Thread-safe if the client is (SDK clients are).
 */
public final class SdkClusterGateway implements RdsGateway {

  private static final String BY_CLUSTER = "db-cluster-id";

  private final RdsClient rds;

  /** A gateway over the broker's client; the client's HTTP client, region and credentials stay the broker's. */
  public SdkClusterGateway(RdsClient rds) {
    this.rds = Objects.requireNonNull(rds, "rds");
  }

  /** DescribeDBClusters, then, when the cluster lists members, one DescribeDBInstances for them. */
  @Override
  public Optional<RdsInstance> describe(String clusterId) {
    DescribeDbClustersResponse response;
    try {
      response = rds.describeDBClusters(r -> r.dbClusterIdentifier(clusterId));
    } catch (DbClusterNotFoundException e) {
      return Optional.empty();
    }
    Optional<DBCluster> cluster = response.dbClusters().stream().findFirst();
    if (cluster.isEmpty()) {
      return Optional.empty();
    }
    List<DBInstance> members = cluster.get().dbClusterMembers().isEmpty() ? List.of() : instancesOf(List.of(clusterId));
    return Optional.of(toResource(cluster.get(), members));
  }

  /**
   * One DescribeDBClusters with the {@code db-cluster-id} filter for up to 100 clusters, then one
   * DescribeDBInstances with the same filter for the members of those that list any, each
   * following a {@code Marker} should RDS page the answer.
   *
   * @throws IllegalArgumentException for more than {@link #MAX_BATCH} identifiers
   */
  @Override
  public List<RdsInstance> describeAll(Collection<String> clusterIds) {
    if (clusterIds.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " clusters per describe, was " + clusterIds.size());
    }
    if (clusterIds.isEmpty()) {
      return List.of();
    }
    Filter byId = Filter.builder().name(BY_CLUSTER).values(clusterIds).build();
    List<DBCluster> clusters = new ArrayList<>(clusterIds.size());
    String marker = null;
    do {
      String page = marker;
      DescribeDbClustersResponse response = rds.describeDBClusters(r -> r.filters(byId).maxRecords(MAX_BATCH).marker(page));
      clusters.addAll(response.dbClusters());
      marker = response.marker();
    } while (marker != null && !marker.isEmpty());
    Set<String> withMembers = new LinkedHashSet<>();
    for (DBCluster c : clusters) {
      if (!c.dbClusterMembers().isEmpty()) {
        withMembers.add(c.dbClusterIdentifier());
      }
    }
    Map<String, List<DBInstance>> byCluster = new LinkedHashMap<>();
    if (!withMembers.isEmpty()) {
      for (DBInstance db : instancesOf(withMembers)) {
        byCluster.computeIfAbsent(db.dbClusterIdentifier(), k -> new ArrayList<>()).add(db);
      }
    }
    List<RdsInstance> found = new ArrayList<>(clusters.size());
    for (DBCluster c : clusters) {
      found.add(toResource(c, byCluster.getOrDefault(c.dbClusterIdentifier(), List.of())));
    }
    return found;
  }

  /** The member instances of these clusters: DescribeDBInstances with the {@code db-cluster-id} filter, every page. */
  private List<DBInstance> instancesOf(Collection<String> clusterIds) {
    Filter byCluster = Filter.builder().name(BY_CLUSTER).values(clusterIds).build();
    List<DBInstance> instances = new ArrayList<>();
    String marker = null;
    do {
      String page = marker;
      DescribeDbInstancesResponse response = rds.describeDBInstances(r -> r.filters(byCluster).maxRecords(MAX_BATCH)
          .marker(page));
      instances.addAll(response.dbInstances());
      marker = response.marker();
    } while (marker != null && !marker.isEmpty());
    return instances;
  }

  /** AddTagsToResource on the cluster's ARN. */
  @Override
  public void addTags(RdsInstance cluster, Map<String, String> tags) {
    List<Tag> list = new ArrayList<>(tags.size());
    tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
    rds.addTagsToResource(r -> r.resourceName(cluster.arn()).tags(list));
  }

  /** RemoveTagsFromResource on the cluster's ARN. */
  @Override
  public void removeTags(RdsInstance cluster, Collection<String> keys) {
    rds.removeTagsFromResource(r -> r.resourceName(cluster.arn()).tagKeys(keys));
  }

  @Override
  public ErrorClassification classify(Throwable error) {
    return classifyError(error);
  }

  /**
   * The classification described above, for any throwable (a cluster step's own calls included);
   * causes are followed so a wrapped SDK exception is classified by what it wraps.
   */
  public static ErrorClassification classifyError(Throwable error) {
    return SdkRdsGateway.classifyError(error, true);
  }

  /** The engine's view of a cluster and its member instances. */
  static RdsInstance toResource(DBCluster cluster, List<DBInstance> instances) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Tag tag : cluster.tagList()) {
      tags.put(tag.key(), tag.value() == null ? "" : tag.value());
    }
    Map<String, DBInstance> byId = new LinkedHashMap<>();
    for (DBInstance db : instances) {
      byId.put(db.dbInstanceIdentifier(), db);
    }
    List<RdsInstance.Member> members = new ArrayList<>();
    Set<String> listed = new LinkedHashSet<>();
    for (DBClusterMember m : cluster.dbClusterMembers()) {
      listed.add(m.dbInstanceIdentifier());
      DBInstance db = byId.get(m.dbInstanceIdentifier());
      List<RdsInstance.ParameterGroup> groups = db == null ? new ArrayList<>() : groupsOf(db);
      if (cluster.dbClusterParameterGroup() != null && m.dbClusterParameterGroupStatus() != null) {
        groups.add(new RdsInstance.ParameterGroup(cluster.dbClusterParameterGroup(), m.dbClusterParameterGroupStatus()));
      }
      members.add(new RdsInstance.Member(m.dbInstanceIdentifier(),
          db == null ? ClusterDescription.NOT_LISTED : String.valueOf(db.dbInstanceStatus()),
          Boolean.TRUE.equals(m.isClusterWriter()), groups));
    }
    for (DBInstance db : instances) {
      if (!listed.contains(db.dbInstanceIdentifier())) {
        members.add(new RdsInstance.Member(db.dbInstanceIdentifier(), String.valueOf(db.dbInstanceStatus()), false,
            groupsOf(db)));
      }
    }
    RdsInstance.Builder b = RdsInstance.builder(cluster.dbClusterIdentifier())
        .arn(cluster.dbClusterArn())
        .status(String.valueOf(cluster.status()))
        .pendingModifications(SdkRdsGateway.pendingNames(cluster.pendingModifiedValues()))
        .engine(cluster.engine())
        .masterUsername(cluster.masterUsername())
        .allocatedStorageGib(cluster.allocatedStorage())
        .tags(tags)
        .detail(new ClusterDescription(cluster, instances))
        .cluster(members);
    if (cluster.endpoint() != null) {
      b.endpoint(cluster.endpoint(), cluster.port() == null ? 0 : cluster.port());
    }
    return b.build();
  }

  private static List<RdsInstance.ParameterGroup> groupsOf(DBInstance db) {
    List<RdsInstance.ParameterGroup> groups = new ArrayList<>();
    for (DBParameterGroupStatus g : db.dbParameterGroups()) {
      groups.add(new RdsInstance.ParameterGroup(String.valueOf(g.dbParameterGroupName()),
          String.valueOf(g.parameterApplyStatus())));
    }
    return groups;
  }
}
