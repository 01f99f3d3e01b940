package io.rdstagflow.examples.broker;

import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidParametersException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The snapshots a provision request may restore from: those of instances this broker provisioned
 * for the same organization and space, as the tags RDS copied from the instance to its snapshot
 * say ({@link OwnerTags}). Any other snapshot is answered exactly as one that does not exist, so a
 * request learns nothing about another tenant's snapshots, not even that they exist. Two RDS
 * calls: DescribeDBSnapshots and ListTagsForResource (a snapshot's tags are not reliably in the
 * describe).
 */
public final class OwnedSnapshots {

  private final RdsClient rds;

  /** Snapshots as this client sees them. */
  public OwnedSnapshots(RdsClient rds) {
    this.rds = Objects.requireNonNull(rds, "rds");
  }

  /**
   * Checks that {@code owner} may restore {@code snapshotId} with its plan.
   *
   * @throws ServiceBrokerInvalidParametersException (400) if the snapshot does not exist or is not
   *     the owner's (one message for both), or was taken of an instance on another plan
   */
  public void requireRestorable(String snapshotId, OwnerTags owner) {
    OwnerTags source = sourceOf(snapshotId);
    if (source == null || !source.sameOwner(owner)) {
      throw notFound(snapshotId);
    }
    if (!source.planId().equals(owner.planId())) {
      String plan = RdsCatalog.plan(source.planId()).map(RdsCatalog.PlanSpec::name).orElse(source.planId());
      throw new ServiceBrokerInvalidParametersException("snapshot '" + snapshotId + "' is of an instance on plan "
          + plan + ": provision with that plan, then update the plan");
    }
  }

  private OwnerTags sourceOf(String snapshotId) {
    DBSnapshot snapshot;
    try {
      snapshot = rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(snapshotId)).dbSnapshots().stream()
          .findFirst().orElse(null);
    } catch (DbSnapshotNotFoundException e) {
      return null;
    }
    if (snapshot == null) {
      return null;
    }
    Map<String, String> tags = rds.listTagsForResource(r -> r.resourceName(snapshot.dbSnapshotArn())).tagList()
        .stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    return OwnerTags.from(tags).orElse(null);
  }

  /** The answer for a snapshot that does not exist, or is not the requester's to know about. */
  static ServiceBrokerInvalidParametersException notFound(String snapshotId) {
    return new ServiceBrokerInvalidParametersException("snapshot '" + snapshotId + "' does not exist");
  }
}
