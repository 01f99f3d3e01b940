package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulated Aurora DB clusters and what belongs to them, by lower-cased identifier; a part of
 * the {@link Store}, read and written under the simulation's lock.
 */
final class ClusterStore {
  /** Live clusters, in identifier order (the describe's pages follow it). */
  final NavigableMap<String, SimCluster> clusters = new TreeMap<>();
  /** Deleted clusters, kept for their histories. */
  final List<SimCluster> retired = new ArrayList<>();
  final Map<String, SimClusterSnapshot> snapshots = new TreeMap<>();
  /** DB cluster parameter groups (instance parameter groups are the {@link Store}'s). */
  final Map<String, SimParameterGroup> parameterGroups = new TreeMap<>();
  /**
   * The clusters with something ahead (an activity, a failure not yet due): the only ones a call
   * must bring up to the clock, so a call costs the same with many idle clusters as with few.
   */
  final Set<SimCluster> busy = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The cluster of each member instance. */
  final Map<SimInstance, SimCluster> clusterOf = new IdentityHashMap<>();

  /** The live cluster {@code id} (any case), or {@code null}; not settled. */
  SimCluster cluster(String id) {
    return clusters.get(id.toLowerCase(Locale.ROOT));
  }
}
