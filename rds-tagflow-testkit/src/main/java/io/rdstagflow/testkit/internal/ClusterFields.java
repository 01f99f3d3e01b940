package io.rdstagflow.testkit.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.rds.model.CreateDbClusterParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.CreateDbClusterRequest;
import software.amazon.awssdk.services.rds.model.CreateDbClusterSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbClusterRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterFromSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbClusterToPointInTimeRequest;

/**
 * The cluster operations' part of {@link FieldPolicy}: which request fields of each the fake
 * simulates (every other field set is refused unless a test opts in).
 */
final class ClusterFields {

  static final Map<String, Supplier<SdkPojo>> PROTOTYPES = Map.ofEntries(
      Map.entry("CreateDBCluster", () -> CreateDbClusterRequest.builder().build()),
      Map.entry("RestoreDBClusterFromSnapshot",
          () -> RestoreDbClusterFromSnapshotRequest.builder().build()),
      Map.entry("RestoreDBClusterToPointInTime",
          () -> RestoreDbClusterToPointInTimeRequest.builder().build()),
      Map.entry("DescribeDBClusters", () -> DescribeDbClustersRequest.builder().build()),
      Map.entry("ModifyDBCluster", () -> ModifyDbClusterRequest.builder().build()),
      Map.entry("DeleteDBCluster", () -> DeleteDbClusterRequest.builder().build()),
      Map.entry("CreateDBClusterSnapshot", () -> CreateDbClusterSnapshotRequest.builder().build()),
      Map.entry("DescribeDBClusterSnapshots",
          () -> DescribeDbClusterSnapshotsRequest.builder().build()),
      Map.entry("CreateDBClusterParameterGroup",
          () -> CreateDbClusterParameterGroupRequest.builder().build()),
      Map.entry("DescribeDBClusterParameterGroups",
          () -> DescribeDbClusterParameterGroupsRequest.builder().build()));

  /** The cluster operations, by their RDS names. */
  static final Set<String> OPERATIONS = PROTOTYPES.keySet();

  /** The simulated fields besides the {@link ClusterSetting}s, which every cluster op reads. */
  private static final Map<String, Set<String>> OWN_FIELDS = Map.ofEntries(
      Map.entry("CreateDBCluster", Set.of("DBClusterIdentifier", "Engine", "EngineVersion",
          "MasterUsername", "MasterUserPassword", "DatabaseName", "DBClusterParameterGroupName",
          "Tags", "StorageEncrypted", "KmsKeyId")),
      Map.entry("RestoreDBClusterFromSnapshot", Set.of("DBClusterIdentifier",
          "SnapshotIdentifier", "Engine", "EngineVersion", "DatabaseName",
          "DBClusterParameterGroupName", "Tags", "KmsKeyId")),
      Map.entry("RestoreDBClusterToPointInTime", Set.of("DBClusterIdentifier",
          "SourceDBClusterIdentifier", "SourceDbClusterResourceId", "RestoreType",
          "RestoreToTime", "UseLatestRestorableTime", "DBClusterParameterGroupName", "Tags",
          "KmsKeyId")),
      // No clusters are shared from other accounts in the fake: IncludeShared changes nothing.
      Map.entry("DescribeDBClusters",
          Set.of("DBClusterIdentifier", "Filters", "MaxRecords", "Marker", "IncludeShared")),
      // No setting waits for the maintenance window, so ApplyImmediately changes nothing.
      Map.entry("ModifyDBCluster", Set.of("DBClusterIdentifier", "ApplyImmediately",
          "MasterUserPassword", "DBClusterParameterGroupName")),
      // No automated backups exist in the fake, so DeleteAutomatedBackups has nothing to act on.
      Map.entry("DeleteDBCluster", Set.of("DBClusterIdentifier", "SkipFinalSnapshot",
          "FinalDBSnapshotIdentifier", "DeleteAutomatedBackups")),
      Map.entry("CreateDBClusterSnapshot",
          Set.of("DBClusterSnapshotIdentifier", "DBClusterIdentifier", "Tags")),
      // No shared or public snapshots exist in the fake: IncludeShared/IncludePublic change nothing.
      Map.entry("DescribeDBClusterSnapshots", Set.of("DBClusterIdentifier",
          "DBClusterSnapshotIdentifier", "SnapshotType", "Filters", "MaxRecords", "Marker",
          "IncludeShared", "IncludePublic")),
      Map.entry("CreateDBClusterParameterGroup", Set.of("DBClusterParameterGroupName",
          "DBParameterGroupFamily", "Description", "Tags")),
      Map.entry("DescribeDBClusterParameterGroups",
          Set.of("DBClusterParameterGroupName", "MaxRecords", "Marker")));

  /** Operations whose requests set cluster settings, and so read the {@link ClusterSetting}s. */
  private static final Set<String> WITH_SETTINGS = Set.of("CreateDBCluster",
      "RestoreDBClusterFromSnapshot", "RestoreDBClusterToPointInTime", "ModifyDBCluster");

  /** Every field of each cluster operation's request that the fake simulates. */
  static final Map<String, Set<String>> SIMULATED = simulated();

  private ClusterFields() {}

  private static Map<String, Set<String>> simulated() {
    Map<String, Set<String>> byOperation = new HashMap<>();
    for (String operation : PROTOTYPES.keySet()) {
      Set<String> all = new HashSet<>(OWN_FIELDS.get(operation));
      if (WITH_SETTINGS.contains(operation)) {
        Arrays.stream(ClusterSetting.values()).map(s -> operation.equals("ModifyDBCluster")
            ? s.modifyMember() : s.createMember()).filter(Objects::nonNull).forEach(all::add);
      }
      Set<String> members = new TreeSet<>();
      for (SdkField<?> f : PROTOTYPES.get(operation).get().sdkFields()) {
        members.add(f.memberName());
      }
      all.retainAll(members);
      byOperation.put(operation, Set.copyOf(all));
    }
    return Map.copyOf(byOperation);
  }
}
