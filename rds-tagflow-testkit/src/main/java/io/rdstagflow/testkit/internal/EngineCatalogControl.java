package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.EngineCatalog;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** The test's hold on the catalog: each method takes the simulation's lock. */
final class EngineCatalogControl implements EngineCatalog {

  private final Object lock;
  private final EngineVersionCatalog catalog;

  EngineCatalogControl(Object lock, EngineVersionCatalog catalog) {
    this.lock = lock;
    this.catalog = catalog;
  }

  @Override
  public EngineCatalog offer(String engine, String version, String family, List<String> upgradeTargets) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(family, "family");
    List<String> targets = List.copyOf(upgradeTargets);
    synchronized (lock) {
      catalog.offer(engine, version, family, targets);
    }
    return this;
  }

  @Override
  public EngineCatalog withdraw(String engine, String version) {
    synchronized (lock) {
      catalog.withdraw(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(version, "version"));
    }
    return this;
  }

  @Override
  public List<String> versions(String engine) {
    synchronized (lock) {
      return catalog.all(engine.toLowerCase(Locale.ROOT)).stream().map(EngineVersionCatalog.Version::version)
          .toList();
    }
  }

  @Override
  public Optional<String> family(String engine, String version) {
    synchronized (lock) {
      return Optional.ofNullable(catalog.find(engine.toLowerCase(Locale.ROOT), version))
          .map(EngineVersionCatalog.Version::family);
    }
  }

  @Override
  public List<String> upgradeTargets(String engine, String version) {
    synchronized (lock) {
      EngineVersionCatalog.Version v = catalog.find(engine.toLowerCase(Locale.ROOT), version);
      return v == null ? List.of() : v.targets();
    }
  }

  @Override
  public String toString() {
    return "EngineCatalog";
  }
}
