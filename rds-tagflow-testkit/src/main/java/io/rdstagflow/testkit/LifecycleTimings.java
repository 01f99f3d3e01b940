package io.rdstagflow.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each simulated RDS activity takes: the time an instance spends in each status before
 * it settles.
 *
 * <p>The defaults are the project's reference lifecycle (see {@code design.md}): creating or
 * restoring 10 minutes, modifying 3 minutes (a new parameter group is {@code applying} for the
 * same 3 minutes and then {@code pending-reboot}), resetting the master credentials 2 minutes,
 * rebooting 2 minutes, deleting 5 minutes, a snapshot 4 minutes, an engine version upgrade 15
 * minutes; Aurora clusters and their members
 * as {@link ClusterTimings#defaults()} says. {@link #instant()} makes every activity finish at once,
 * for tests that do not care about time.
 *
 * <p>Immutable and thread-safe.
 *
 * @param creating                   {@code creating} after CreateDBInstance or a restore
 * @param modifying                  {@code modifying} after a ModifyDBInstance that changes settings
 * @param applyingParameterGroup     how long a newly assigned parameter group shows
 *                                   {@code applying} before {@code pending-reboot}
 * @param resettingMasterCredentials {@code resetting-master-credentials} after a new master
 *                                   password
 * @param rebooting                  {@code rebooting} after RebootDBInstance
 * @param deleting                   {@code deleting} before the instance is gone
 * @param snapshotting               a snapshot's {@code creating} before it is {@code available}
 * @param upgrading                  {@code upgrading} after a ModifyDBInstance that changes the
 *                                   engine version (one hop: RDS upgrades one version per modify)
 * @param clusters                   the Aurora DB clusters' and their member instances' timings
 */
public record LifecycleTimings(
    Duration creating,
    Duration modifying,
    Duration applyingParameterGroup,
    Duration resettingMasterCredentials,
    Duration rebooting,
    Duration deleting,
    Duration snapshotting,
    Duration upgrading,
    ClusterTimings clusters) {

  /**
   * @throws NullPointerException     if a duration is {@code null}
   * @throws IllegalArgumentException if a duration is negative
   */
  public LifecycleTimings {
    check(creating, "creating");
    check(modifying, "modifying");
    check(applyingParameterGroup, "applyingParameterGroup");
    check(resettingMasterCredentials, "resettingMasterCredentials");
    check(rebooting, "rebooting");
    check(deleting, "deleting");
    check(snapshotting, "snapshotting");
    check(upgrading, "upgrading");
    Objects.requireNonNull(clusters, "clusters");
  }

  /**
   * The instance timings, an upgrade among them, with the clusters' {@link ClusterTimings#defaults()
   * defaults}.
   *
   * @throws NullPointerException     if a duration is {@code null}
   * @throws IllegalArgumentException if a duration is negative
   */
  public LifecycleTimings(Duration creating, Duration modifying, Duration applyingParameterGroup,
      Duration resettingMasterCredentials, Duration rebooting, Duration deleting,
      Duration snapshotting, Duration upgrading) {
    this(creating, modifying, applyingParameterGroup, resettingMasterCredentials, rebooting,
        deleting, snapshotting, upgrading, ClusterTimings.defaults());
  }

  /**
   * The instance timings without an upgrade time of their own (an engine version upgrade takes as
   * long as {@code creating}), with the clusters' {@link ClusterTimings#defaults() defaults}.
   *
   * @throws NullPointerException     if a duration is {@code null}
   * @throws IllegalArgumentException if a duration is negative
   */
  public LifecycleTimings(Duration creating, Duration modifying, Duration applyingParameterGroup,
      Duration resettingMasterCredentials, Duration rebooting, Duration deleting,
      Duration snapshotting) {
    this(creating, modifying, applyingParameterGroup, resettingMasterCredentials, rebooting,
        deleting, snapshotting, creating, ClusterTimings.defaults());
  }

  private static void check(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }

  /** The reference lifecycle described above. */
  public static LifecycleTimings defaults() {
    return new LifecycleTimings(
        Duration.ofMinutes(10),
        Duration.ofMinutes(3),
        Duration.ofMinutes(3),
        Duration.ofMinutes(2),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(4),
        Duration.ofMinutes(15),
        ClusterTimings.defaults());
  }

  /** Every activity takes no time: each call's effect is visible to the next describe. */
  public static LifecycleTimings instant() {
    return new LifecycleTimings(
        Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ZERO, Duration.ZERO, ClusterTimings.instant());
  }

  /** A copy with another {@link #creating()} time (also used by restores). */
  public LifecycleTimings withCreating(Duration d) {
    return new LifecycleTimings(d, modifying, applyingParameterGroup, resettingMasterCredentials,
        rebooting, deleting, snapshotting, upgrading, clusters);
  }

  /** A copy with another {@link #modifying()} time. */
  public LifecycleTimings withModifying(Duration d) {
    return new LifecycleTimings(creating, d, applyingParameterGroup, resettingMasterCredentials,
        rebooting, deleting, snapshotting, upgrading, clusters);
  }

  /** A copy with another {@link #applyingParameterGroup()} time. */
  public LifecycleTimings withApplyingParameterGroup(Duration d) {
    return new LifecycleTimings(creating, modifying, d, resettingMasterCredentials, rebooting,
        deleting, snapshotting, upgrading, clusters);
  }

  /** A copy with another {@link #resettingMasterCredentials()} time. */
  public LifecycleTimings withResettingMasterCredentials(Duration d) {
    return new LifecycleTimings(creating, modifying, applyingParameterGroup, d, rebooting, deleting,
        snapshotting, upgrading, clusters);
  }

  /** A copy with another {@link #rebooting()} time. */
  public LifecycleTimings withRebooting(Duration d) {
    return new LifecycleTimings(creating, modifying, applyingParameterGroup,
        resettingMasterCredentials, d, deleting, snapshotting, upgrading, clusters);
  }

  /** A copy with another {@link #deleting()} time. */
  public LifecycleTimings withDeleting(Duration d) {
    return new LifecycleTimings(creating, modifying, applyingParameterGroup,
        resettingMasterCredentials, rebooting, d, snapshotting, upgrading, clusters);
  }

  /** A copy with another {@link #snapshotting()} time. */
  public LifecycleTimings withSnapshotting(Duration d) {
    return new LifecycleTimings(creating, modifying, applyingParameterGroup,
        resettingMasterCredentials, rebooting, deleting, d, upgrading, clusters);
  }

  /** A copy with other {@link #clusters()} timings. */
  public LifecycleTimings withClusters(ClusterTimings d) {
    return new LifecycleTimings(creating, modifying, applyingParameterGroup,
        resettingMasterCredentials, rebooting, deleting, snapshotting, upgrading, d);
  }

  /** A copy with another {@link #upgrading()} time. */
  public LifecycleTimings withUpgrading(Duration d) {
    return new LifecycleTimings(creating, modifying, applyingParameterGroup,
        resettingMasterCredentials, rebooting, deleting, snapshotting, d, clusters);
  }

  /** A copy with another {@link ClusterTimings#creating() cluster creating} time. */
  public LifecycleTimings withClusterCreating(Duration d) {
    return withClusters(clusters.withCreating(d));
  }

  /** A copy with another {@link ClusterTimings#memberCreating() member creating} time. */
  public LifecycleTimings withMemberCreating(Duration d) {
    return withClusters(clusters.withMemberCreating(d));
  }

  /** A copy with another {@link ClusterTimings#modifying() cluster modifying} time. */
  public LifecycleTimings withClusterModifying(Duration d) {
    return withClusters(clusters.withModifying(d));
  }

  /**
   * A copy with another {@link ClusterTimings#resettingMasterCredentials() cluster
   * resetting-master-credentials} time.
   */
  public LifecycleTimings withClusterResettingMasterCredentials(Duration d) {
    return withClusters(clusters.withResettingMasterCredentials(d));
  }

  /** A copy with another {@link ClusterTimings#deleting() cluster deleting} time. */
  public LifecycleTimings withClusterDeleting(Duration d) {
    return withClusters(clusters.withDeleting(d));
  }

  /** A copy with another {@link ClusterTimings#snapshotting() cluster snapshot} time. */
  public LifecycleTimings withClusterSnapshotting(Duration d) {
    return withClusters(clusters.withSnapshotting(d));
  }
}
