package io.rdstagflow.examples.broker;

import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidParametersException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The cluster snapshots an Aurora provision may restore from, as {@link OwnedSnapshots} decides
 * for instance snapshots: those of clusters this broker provisioned for the same organization and
 * space (the owner tags RDS copied from the cluster, which is created with
 * {@code CopyTagsToSnapshot}); any other is answered as one that does not exist. Two RDS calls:
 * DescribeDBClusterSnapshots and ListTagsForResource.
 */
public final class OwnedClusterSnapshots {

  private final RdsClient rds;

  /** Cluster snapshots as this client sees them. */
  public OwnedClusterSnapshots(RdsClient rds) {
    this.rds = Objects.requireNonNull(rds, "rds");
  }

  /**
   * Checks that {@code owner} may restore {@code snapshotId} with its plan.
   *
   * @throws ServiceBrokerInvalidParametersException (400) if the snapshot does not exist or is not
   *     the owner's (one message for both), or was taken of a cluster on another plan
   */
  public void requireRestorable(String snapshotId, OwnerTags owner) {
    OwnerTags source = sourceOf(snapshotId);
    if (source == null || !source.sameOwner(owner)) {
      throw OwnedSnapshots.notFound(snapshotId);
    }
    if (!source.planId().equals(owner.planId())) {
      String plan = AuroraCatalog.plan(source.planId()).map(AuroraCatalog.AuroraPlan::name).orElse(source.planId());
      throw new ServiceBrokerInvalidParametersException("snapshot '" + snapshotId + "' is of a cluster on plan "
          + plan + ": provision with that plan, then update the plan");
    }
  }

  private OwnerTags sourceOf(String snapshotId) {
    DBClusterSnapshot snapshot;
    try {
      snapshot = rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(snapshotId)).dbClusterSnapshots()
          .stream().findFirst().orElse(null);
    } catch (DbClusterSnapshotNotFoundException e) {
      return null;
    }
    if (snapshot == null) {
      return null;
    }
    Map<String, String> tags = rds.listTagsForResource(r -> r.resourceName(snapshot.dbClusterSnapshotArn())).tagList()
        .stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    return OwnerTags.from(tags).orElse(null);
  }
}
