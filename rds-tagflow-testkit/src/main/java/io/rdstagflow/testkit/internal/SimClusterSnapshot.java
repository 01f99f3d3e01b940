package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated manual DB cluster snapshot. Mutable tags; guarded by the simulation's lock. */
final class SimClusterSnapshot {
  final String id;
  final String arn;
  final String clusterId;
  final Instant createdAt;
  final Instant availableAt;
  final String engine;
  final String engineVersion;
  final String masterUsername;
  final String databaseName;
  final int port;
  final boolean encrypted;
  final String kmsKeyId;
  final boolean iamDatabaseAuthentication;
  /** The snapshot's own tags. */
  final Map<String, String> tags = new LinkedHashMap<>();
  /** The source cluster's tags when the snapshot was taken: what a restore without tags copies. */
  final Map<String, String> sourceTags;

  SimClusterSnapshot(String id, String arn, String clusterId, Instant createdAt,
      Instant availableAt, String engine, String engineVersion, String masterUsername,
      String databaseName, int port, boolean encrypted, String kmsKeyId,
      boolean iamDatabaseAuthentication, Map<String, String> sourceTags) {
    this.id = id;
    this.arn = arn;
    this.clusterId = clusterId;
    this.createdAt = createdAt;
    this.availableAt = availableAt;
    this.engine = engine;
    this.engineVersion = engineVersion;
    this.masterUsername = masterUsername;
    this.databaseName = databaseName;
    this.port = port;
    this.encrypted = encrypted;
    this.kmsKeyId = kmsKeyId;
    this.iamDatabaseAuthentication = iamDatabaseAuthentication;
    this.sourceTags = Map.copyOf(sourceTags);
  }

  String statusAt(Instant now) {
    return now.isBefore(availableAt) ? "creating" : "available";
  }
}
