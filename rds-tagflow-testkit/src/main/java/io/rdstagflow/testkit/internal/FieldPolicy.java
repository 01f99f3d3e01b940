package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.FieldBehaviour;
import io.rdstagflow.testkit.UnsupportedByFakeRdsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.rds.model.AddTagsToResourceRequest;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.CreateDbParameterGroupRequest;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbParameterGroupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RebootDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RemoveTagsFromResourceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;

/**
 * Which request fields the fake simulates, per operation, and what a test opted into for the
 * others: a field that is set and neither simulated nor opted into is refused with
 * {@link UnsupportedByFakeRdsException}, never silently ignored.
 */
final class FieldPolicy {

  /** Ignoring is a behaviour that does nothing; kept apart to record the field as ignored. */
  static final FieldBehaviour IGNORE = (request, instance) -> { };

  /** Operations on one DB instance: the only ones whose fields a test can give behaviour to. */
  static final Set<String> INSTANCE_OPERATIONS = Set.of("CreateDBInstance",
      "RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceToPointInTime", "ModifyDBInstance",
      "RebootDBInstance", "DeleteDBInstance");

  private static final Map<String, Supplier<SdkPojo>> PROTOTYPES = Map.ofEntries(
      Map.entry("CreateDBInstance", () -> CreateDbInstanceRequest.builder().build()),
      Map.entry("RestoreDBInstanceFromDBSnapshot",
          () -> RestoreDbInstanceFromDbSnapshotRequest.builder().build()),
      Map.entry("RestoreDBInstanceToPointInTime",
          () -> RestoreDbInstanceToPointInTimeRequest.builder().build()),
      Map.entry("ModifyDBInstance", () -> ModifyDbInstanceRequest.builder().build()),
      Map.entry("DescribeDBInstances", () -> DescribeDbInstancesRequest.builder().build()),
      Map.entry("RebootDBInstance", () -> RebootDbInstanceRequest.builder().build()),
      Map.entry("DeleteDBInstance", () -> DeleteDbInstanceRequest.builder().build()),
      Map.entry("AddTagsToResource", () -> AddTagsToResourceRequest.builder().build()),
      Map.entry("RemoveTagsFromResource", () -> RemoveTagsFromResourceRequest.builder().build()),
      Map.entry("ListTagsForResource", () -> ListTagsForResourceRequest.builder().build()),
      Map.entry("CreateDBSnapshot", () -> CreateDbSnapshotRequest.builder().build()),
      Map.entry("DescribeDBSnapshots", () -> DescribeDbSnapshotsRequest.builder().build()),
      Map.entry("CreateDBParameterGroup", () -> CreateDbParameterGroupRequest.builder().build()),
      Map.entry("DescribeDBParameterGroups",
          () -> DescribeDbParameterGroupsRequest.builder().build()),
      Map.entry("DescribeDBParameters",
          () -> software.amazon.awssdk.services.rds.model.DescribeDbParametersRequest.builder().build()),
      Map.entry("ModifyDBParameterGroup",
          () -> software.amazon.awssdk.services.rds.model.ModifyDbParameterGroupRequest.builder().build()),
      Map.entry("DescribeDBEngineVersions",
          () -> software.amazon.awssdk.services.rds.model.DescribeDbEngineVersionsRequest.builder().build()),
      Map.entry("DescribeOrderableDBInstanceOptions",
          () -> software.amazon.awssdk.services.rds.model.DescribeOrderableDbInstanceOptionsRequest.builder()
              .build()));

  /** The simulated fields besides the {@link Setting}s, which every instance operation reads. */
  private static final Map<String, Set<String>> OWN_FIELDS = Map.ofEntries(
      Map.entry("CreateDBInstance", Set.of("DBInstanceIdentifier", "Engine", "MasterUsername",
          "MasterUserPassword", "DBName", "Tags", "DBParameterGroupName", "AvailabilityZone",
          "StorageEncrypted", "KmsKeyId", "ManageMasterUserPassword", "MasterUserSecretKmsKeyId",
          "DBClusterIdentifier", "PromotionTier")),
      Map.entry("RestoreDBInstanceFromDBSnapshot", Set.of("DBInstanceIdentifier",
          "DBSnapshotIdentifier", "Tags", "DBParameterGroupName", "AvailabilityZone",
          "ManageMasterUserPassword", "MasterUserSecretKmsKeyId")),
      Map.entry("RestoreDBInstanceToPointInTime", Set.of("SourceDBInstanceIdentifier",
          "SourceDbiResourceId", "TargetDBInstanceIdentifier", "RestoreTime",
          "UseLatestRestorableTime", "Tags", "DBParameterGroupName", "AvailabilityZone",
          "ManageMasterUserPassword", "MasterUserSecretKmsKeyId")),
      Map.entry("ModifyDBInstance", Set.of("DBInstanceIdentifier", "ApplyImmediately",
          "MasterUserPassword", "DBParameterGroupName", "AllowMajorVersionUpgrade",
          "ManageMasterUserPassword", "MasterUserSecretKmsKeyId")),
      Map.entry("DescribeDBInstances",
          Set.of("DBInstanceIdentifier", "Filters", "MaxRecords", "Marker")),
      Map.entry("RebootDBInstance", Set.of("DBInstanceIdentifier", "ForceFailover")),
      // No automated backups exist in the fake, so DeleteAutomatedBackups has nothing to act on.
      Map.entry("DeleteDBInstance", Set.of("DBInstanceIdentifier", "SkipFinalSnapshot",
          "FinalDBSnapshotIdentifier", "DeleteAutomatedBackups")),
      Map.entry("AddTagsToResource", Set.of("ResourceName", "Tags")),
      Map.entry("RemoveTagsFromResource", Set.of("ResourceName", "TagKeys")),
      Map.entry("ListTagsForResource", Set.of("ResourceName")),
      Map.entry("CreateDBSnapshot", Set.of("DBSnapshotIdentifier", "DBInstanceIdentifier",
          "Tags")),
      // No shared or public snapshots exist in the fake: IncludeShared/IncludePublic change nothing.
      Map.entry("DescribeDBSnapshots", Set.of("DBInstanceIdentifier", "DBSnapshotIdentifier",
          "SnapshotType", "Filters", "MaxRecords", "Marker", "IncludeShared", "IncludePublic")),
      Map.entry("CreateDBParameterGroup", Set.of("DBParameterGroupName",
          "DBParameterGroupFamily", "Description", "Tags")),
      Map.entry("DescribeDBParameterGroups",
          Set.of("DBParameterGroupName", "MaxRecords", "Marker")),
      Map.entry("DescribeDBParameters",
          Set.of("DBParameterGroupName", "Source", "MaxRecords", "Marker")),
      Map.entry("ModifyDBParameterGroup", Set.of("DBParameterGroupName", "Parameters")),
      // No deprecated versions, character sets or time zones exist in the fake's catalog.
      Map.entry("DescribeDBEngineVersions", Set.of("Engine", "EngineVersion", "DBParameterGroupFamily",
          "DefaultOnly", "IncludeAll", "MaxRecords", "Marker")),
      Map.entry("DescribeOrderableDBInstanceOptions", Set.of("Engine", "EngineVersion", "DBInstanceClass",
          "Vpc", "MaxRecords", "Marker")));

  /** What {@link #check} found: fields to record as ignored and behaviours to run. */
  record Outcome(List<String> ignored, Map<String, FieldBehaviour> behaviours) {}

  private final Map<String, Map<String, FieldBehaviour>> optIns;

  /** @param optIns operation to field to behaviour ({@link #IGNORE} for ignoring) */
  FieldPolicy(Map<String, Map<String, FieldBehaviour>> optIns) {
    this.optIns = optIns;
  }

  /** Every field of each operation's request that the fake simulates. */
  private static final Map<String, Set<String>> SIMULATED = simulatedFields();

  private static Map<String, Set<String>> simulatedFields() {
    Map<String, Set<String>> byOperation = new HashMap<>();
    for (String operation : PROTOTYPES.keySet()) {
      Set<String> all = new HashSet<>(OWN_FIELDS.get(operation));
      // Members that no request of the operation has are dropped below.
      Arrays.stream(Setting.values()).forEach(s -> all.add(
          operation.equals("ModifyDBInstance") ? s.modifyMember() : s.createMember()));
      all.retainAll(members(operation));
      byOperation.put(operation, Set.copyOf(all));
    }
    byOperation.putAll(ClusterFields.SIMULATED);
    return Map.copyOf(byOperation);
  }

  /** Every field of {@code operation}'s request that the fake simulates. */
  static Set<String> simulated(String operation) {
    return SIMULATED.get(operation);
  }

  private static Set<String> members(String operation) {
    Set<String> names = new TreeSet<>();
    Supplier<SdkPojo> prototype = PROTOTYPES.containsKey(operation) ? PROTOTYPES.get(operation)
        : ClusterFields.PROTOTYPES.get(operation);
    for (SdkField<?> f : prototype.get().sdkFields()) {
      names.add(f.memberName());
    }
    return names;
  }

  /**
   * Refuses a test's opt-in that cannot work.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static void checkOptIn(String operation, String field, boolean behaviour) {
    if (!PROTOTYPES.containsKey(operation) && !ClusterFields.OPERATIONS.contains(operation)) {
      throw new IllegalArgumentException("the fake RDS does not support " + operation
          + "; supported operations: " + new TreeSet<>(Simulation.SUPPORTED_OPERATIONS));
    }
    if (!members(operation).contains(field)) {
      throw new IllegalArgumentException(field + " is not a field of " + operation
          + "; its fields: " + members(operation));
    }
    if (simulated(operation).contains(field)) {
      throw new IllegalArgumentException(operation + "." + field + " is simulated by the fake "
          + "RDS; there is nothing to opt into (docs/fidelity.md says how it behaves)");
    }
    if (behaviour && !INSTANCE_OPERATIONS.contains(operation)) {
      throw new IllegalArgumentException("a field behaviour acts on the instance a call names; "
          + operation + " names none. Use ignoring(\"" + operation + "\", \"" + field
          + "\") instead. Operations that take one: " + new TreeSet<>(INSTANCE_OPERATIONS));
    }
  }

  /**
   * The fields of {@code request} that the fake neither simulates nor was told what to do with
   * are refused; the others are sorted into ignored ones and ones with a test's behaviour.
   *
   * @throws UnsupportedByFakeRdsException naming the operation, the refused fields and the opt-in
   */
  Outcome check(String operation, SdkRequest request) {
    Set<String> simulated = simulated(operation);
    Map<String, FieldBehaviour> chosen = optIns.getOrDefault(operation, Map.of());
    List<String> refused = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    Map<String, FieldBehaviour> behaviours = new LinkedHashMap<>();
    for (SdkField<?> f : request.sdkFields()) {
      String name = f.memberName();
      if (simulated.contains(name) || !InstanceSpec.isSet(f.getValueOrDefault(request))) {
        continue;
      }
      FieldBehaviour b = chosen.get(name);
      if (b == null) {
        refused.add(name);
      } else if (b == IGNORE) {
        ignored.add(name);
      } else {
        behaviours.put(name, b);
      }
    }
    if (!refused.isEmpty()) {
      String first = refused.get(0);
      throw new UnsupportedByFakeRdsException(operation, first, operation + " with "
          + String.join(", ", refused) + ": the fake RDS does not simulate "
          + (refused.size() == 1 ? "this field" : "these fields")
          + ", so it refuses the call rather than ignore them silently. To opt in, build the fake "
          + "with FakeRds.builder().ignoring(\"" + operation + "\", \"" + first + "\") to record "
          + "and ignore it, or .handling(\"" + operation + "\", \"" + first
          + "\", (request, instance) -> ...) to give it your own behaviour. docs/fidelity.md "
          + "lists the fields the fake simulates.");
    }
    return new Outcome(ignored, behaviours);
  }
}
