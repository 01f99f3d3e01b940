package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The simulated resources, by lower-cased identifier: what every collaborator of the simulation
 * reads and writes, always under the simulation's lock.
 */
final class Store {
  /**
   * Live instances, in identifier order: the index that lookups by identifier and the
   * describe's pages use.
   */
  final NavigableMap<String, SimInstance> instances = new TreeMap<>();
  /** Deleted instances, kept for their histories. */
  final List<SimInstance> retired = new ArrayList<>();
  final Map<String, SimSnapshot> snapshots = new TreeMap<>();
  final Map<String, SimParameterGroup> parameterGroups = new TreeMap<>();

  /** The live instance {@code id} (any case), or {@code null}. */
  SimInstance instance(String id) {
    return instances.get(id.toLowerCase(Locale.ROOT));
  }
}
