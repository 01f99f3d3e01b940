package io.rdstagflow.aws;

import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * What {@link SdkClusterGateway} saw of an Aurora cluster in one describe: the SDK's own
 * {@link DBCluster} (DescribeDBClusters) and its member instances' {@link DBInstance}s (the one
 * DescribeDBInstances with the {@code db-cluster-id} filter), offered to steps as the described
 * resource's {@link RdsInstance#detail(Class) detail}, so a cluster step reads any field of the
 * cluster or of a member without another call:
 *
 * <pre>{@code
 * DBCluster cluster = ClusterDescription.of(context).orElseThrow().cluster();
 * }</pre>
 *
 * <p>A member the cluster lists whose instance the second call did not return (a describe that
 * lags) is in {@link RdsInstance#members()} with the status {@value #NOT_LISTED}, and absent here.
 *
 * <p>Immutable and thread-safe (the SDK's model objects are immutable).
 */
public final class ClusterDescription {

  /**
   * The status given to a member the cluster lists while DescribeDBInstances does not return it:
   * a status nobody knows, so the engine counts the cluster busy until the two agree.
   */
  public static final String NOT_LISTED = "not-listed";

  private final DBCluster cluster;
  private final List<DBInstance> members;

  /**
   * A description of a cluster and the member instances described with it.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  public ClusterDescription(DBCluster cluster, List<DBInstance> members) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.members = List.copyOf(members);
  }

  /** The cluster gateway's description of this resource, if it is one. */
  public static Optional<ClusterDescription> of(RdsInstance resource) {
    return resource.detail(ClusterDescription.class);
  }

  /** The cluster gateway's description of the resource this step runs on, if it is one. */
  public static Optional<ClusterDescription> of(StepContext context) {
    return of(context.instance());
  }

  /** The cluster, as DescribeDBClusters returned it (its {@code TagList} included). */
  public DBCluster cluster() {
    return cluster;
  }

  /** The member instances, as DescribeDBInstances returned them, in its order. */
  public List<DBInstance> members() {
    return members;
  }

  /** The member instance with this identifier, if it was described. */
  public Optional<DBInstance> member(String instanceId) {
    return members.stream().filter(m -> m.dbInstanceIdentifier().equals(instanceId)).findFirst();
  }

  /** The cluster's identifier, status and member identifiers; no tag, no secret. */
  @Override
  public String toString() {
    return "ClusterDescription[" + cluster.dbClusterIdentifier() + ", status=" + cluster.status() + ", members="
        + members.stream().map(DBInstance::dbInstanceIdentifier).toList() + "]";
  }
}
