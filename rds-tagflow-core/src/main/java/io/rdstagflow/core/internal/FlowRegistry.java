package io.rdstagflow.core.internal;

import io.rdstagflow.core.Flow;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The flow definitions an engine knows: by name, every version it keeps (a rolling deploy runs
 * operations of an older definition to their end beside new ones). New operations use the newest.
 * Immutable once built.
 */
public final class FlowRegistry {

  private final Map<String, NavigableMap<Integer, Flow>> byName;

  /**
   * @throws IllegalArgumentException if two flows share a name and a version
   */
  public FlowRegistry(Iterable<Flow> flows) {
    Map<String, NavigableMap<Integer, Flow>> m = new LinkedHashMap<>();
    for (Flow f : flows) {
      Flow old = m.computeIfAbsent(f.name(), n -> new TreeMap<>()).putIfAbsent(f.version(), f);
      if (old != null) {
        throw new IllegalArgumentException("flow " + f.name() + " version " + f.version() + " is registered twice"
            + (old.fingerprint().equals(f.fingerprint()) ? "" : " with different steps (" + old + ", " + f
            + "): a changed list of steps needs a new version number"));
      }
    }
    m.replaceAll((k, v) -> Collections.unmodifiableNavigableMap(v));
    this.byName = Collections.unmodifiableMap(m);
  }

  /** The newest definition of this name, or {@code null}. */
  public Flow latest(String name) {
    NavigableMap<Integer, Flow> versions = byName.get(name);
    return versions == null ? null : versions.lastEntry().getValue();
  }

  /** This version of this flow, or {@code null}. */
  public Flow get(String name, int version) {
    NavigableMap<Integer, Flow> versions = byName.get(name);
    return versions == null ? null : versions.get(version);
  }

  /** The versions known of this flow, oldest first; empty if none. */
  public Set<Integer> versions(String name) {
    NavigableMap<Integer, Flow> versions = byName.get(name);
    return versions == null ? Set.of() : versions.navigableKeySet();
  }

  /** The names of the known flows. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Every definition. */
  public Iterable<Flow> all() {
    return byName.values().stream().flatMap(v -> v.values().stream()).toList();
  }
}
