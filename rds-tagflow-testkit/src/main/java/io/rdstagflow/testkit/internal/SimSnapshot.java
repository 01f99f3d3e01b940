package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated manual DB snapshot. Mutable tags; guarded by the simulation's lock. */
final class SimSnapshot {
  final String id;
  final String arn;
  final String instanceId;
  final Instant createdAt;
  final Instant availableAt;
  final String engine;
  final String engineVersion;
  final int allocatedStorage;
  final String masterUsername;
  final int port;
  final String instanceClass;
  final String storageType;
  final Integer iops;
  final boolean encrypted;
  /** The snapshot's own tags. */
  final Map<String, String> tags = new LinkedHashMap<>();
  /**
   * The source instance's tags when the snapshot was taken: what a restore without tags copies
   * (RDS user guide, "Copying tags to DB snapshots").
   */
  final Map<String, String> sourceTags;

  SimSnapshot(String id, String arn, String instanceId, Instant createdAt, Instant availableAt,
      String engine, String engineVersion, int allocatedStorage, String masterUsername, int port,
      String instanceClass, String storageType, Integer iops, boolean encrypted,
      Map<String, String> sourceTags) {
    this.id = id;
    this.arn = arn;
    this.instanceId = instanceId;
    this.createdAt = createdAt;
    this.availableAt = availableAt;
    this.engine = engine;
    this.engineVersion = engineVersion;
    this.allocatedStorage = allocatedStorage;
    this.masterUsername = masterUsername;
    this.port = port;
    this.instanceClass = instanceClass;
    this.storageType = storageType;
    this.iops = iops;
    this.encrypted = encrypted;
    this.sourceTags = Map.copyOf(sourceTags);
  }

  String statusAt(Instant now) {
    return now.isBefore(availableAt) ? "creating" : "available";
  }
}
