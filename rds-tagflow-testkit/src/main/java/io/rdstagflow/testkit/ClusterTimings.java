package io.rdstagflow.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each simulated Aurora DB cluster activity takes; part of {@link LifecycleTimings}
 * ({@link LifecycleTimings#clusters()}). A member instance of a cluster is an instance: once
 * created, its modifying, rebooting and deleting take the instance timings.
 *
 * <p>The defaults: a cluster {@code creating} 10 minutes after CreateDBCluster or either restore,
 * a member instance {@code creating} 7 minutes, a cluster {@code modifying} 2 minutes (a new DB
 * cluster parameter group {@code applying} on the members for the instance timings'
 * {@link LifecycleTimings#applyingParameterGroup()}), {@code resetting-master-credentials} 2
 * minutes, {@code deleting} 3 minutes, a cluster snapshot 4 minutes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param creating                   a cluster's {@code creating} after CreateDBCluster,
 *                                   RestoreDBClusterFromSnapshot or RestoreDBClusterToPointInTime
 * @param memberCreating             a member instance's {@code creating} after CreateDBInstance
 *                                   with a {@code DBClusterIdentifier}
 * @param modifying                  a cluster's {@code modifying} after a ModifyDBCluster that
 *                                   changes a setting applied while modifying
 * @param resettingMasterCredentials a cluster's {@code resetting-master-credentials} after a new
 *                                   master password
 * @param deleting                   a cluster's {@code deleting} before it is gone
 * @param snapshotting               a cluster snapshot's {@code creating} before it is
 *                                   {@code available}
 */
public record ClusterTimings(
    Duration creating,
    Duration memberCreating,
    Duration modifying,
    Duration resettingMasterCredentials,
    Duration deleting,
    Duration snapshotting) {

  /**
   * @throws NullPointerException     if a duration is {@code null}
   * @throws IllegalArgumentException if a duration is negative
   */
  public ClusterTimings {
    check(creating, "creating");
    check(memberCreating, "memberCreating");
    check(modifying, "modifying");
    check(resettingMasterCredentials, "resettingMasterCredentials");
    check(deleting, "deleting");
    check(snapshotting, "snapshotting");
  }

  private static void check(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }

  /** The defaults described above. */
  public static ClusterTimings defaults() {
    return new ClusterTimings(Duration.ofMinutes(10), Duration.ofMinutes(7), Duration.ofMinutes(2),
        Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(4));
  }

  /** Every cluster activity takes no time. */
  public static ClusterTimings instant() {
    return new ClusterTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ZERO, Duration.ZERO);
  }

  /** A copy with another {@link #creating()} time. */
  public ClusterTimings withCreating(Duration d) {
    return new ClusterTimings(d, memberCreating, modifying, resettingMasterCredentials, deleting,
        snapshotting);
  }

  /** A copy with another {@link #memberCreating()} time. */
  public ClusterTimings withMemberCreating(Duration d) {
    return new ClusterTimings(creating, d, modifying, resettingMasterCredentials, deleting,
        snapshotting);
  }

  /** A copy with another {@link #modifying()} time. */
  public ClusterTimings withModifying(Duration d) {
    return new ClusterTimings(creating, memberCreating, d, resettingMasterCredentials, deleting,
        snapshotting);
  }

  /** A copy with another {@link #resettingMasterCredentials()} time. */
  public ClusterTimings withResettingMasterCredentials(Duration d) {
    return new ClusterTimings(creating, memberCreating, modifying, d, deleting, snapshotting);
  }

  /** A copy with another {@link #deleting()} time. */
  public ClusterTimings withDeleting(Duration d) {
    return new ClusterTimings(creating, memberCreating, modifying, resettingMasterCredentials, d,
        snapshotting);
  }

  /** A copy with another {@link #snapshotting()} time. */
  public ClusterTimings withSnapshotting(Duration d) {
    return new ClusterTimings(creating, memberCreating, modifying, resettingMasterCredentials,
        deleting, d);
  }
}
