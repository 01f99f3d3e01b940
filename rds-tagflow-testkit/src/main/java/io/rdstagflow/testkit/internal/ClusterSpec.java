package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.UnsupportedByFakeRdsException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.rds.model.ServerlessV2ScalingConfiguration;

/**
 * The settings of a new cluster, read once from whichever request made it (CreateDBCluster and
 * both restores name them alike), and RDS's rules between them. A setting the request leaves out
 * comes from the source (the snapshot or the source cluster) where RDS copies it, else from RDS's
 * default.
 */
final class ClusterSpec {

  /** The Aurora engines the fake simulates. */
  static final Set<String> ENGINES = Set.of("aurora-postgresql", "aurora-mysql");

  /** The log types each engine exports (ModifyDBCluster reference). */
  private static final Map<String, Set<String>> LOG_TYPES = Map.of(
      "aurora-postgresql", Set.of("postgresql"),
      "aurora-mysql", Set.of("audit", "error", "general", "slowquery"));

  private ClusterSpec() {}

  /** Every setting of a new cluster of {@code engine}: the request's, else inherited, else RDS's. */
  static Map<ClusterSetting, Object> settings(SdkPojo request,
      Map<ClusterSetting, Object> inherited, String engine) {
    Map<ClusterSetting, Object> all = new EnumMap<>(ClusterSetting.class);
    for (ClusterSetting s : ClusterSetting.values()) {
      Optional<Object> v = InstanceSpec.field(request, s.createMember());
      Object value = v.isPresent() ? copy(v.get())
          : inherited.get(s) != null ? inherited.get(s) : defaultFor(s, engine);
      if (value != null) {
        all.put(s, value);
      }
    }
    return all;
  }

  static Object copy(Object value) {
    return value instanceof List<?> l ? List.copyOf(l) : value;
  }

  private static Object defaultFor(ClusterSetting s, String engine) {
    return switch (s) {
      case BACKUP_RETENTION -> 1;
      case BACKUP_WINDOW -> EngineDefaults.BACKUP_WINDOW;
      case MAINTENANCE_WINDOW -> EngineDefaults.MAINTENANCE_WINDOW;
      case DELETION_PROTECTION, COPY_TAGS_TO_SNAPSHOT, IAM_DATABASE_AUTHENTICATION -> false;
      case VPC_SECURITY_GROUPS -> List.of(EngineDefaults.SECURITY_GROUP);
      case PORT -> EngineDefaults.port(engine);
      case SUBNET_GROUP -> EngineDefaults.SUBNET_GROUP;
      case LOG_EXPORTS, SERVERLESS_V2 -> null;
    };
  }

  /**
   * Refuses an engine the fake does not simulate as a cluster: Multi-AZ DB clusters
   * ({@code postgres}, {@code mysql}) and Neptune are not simulated.
   */
  static String engine(String requested, String operation, String rid) {
    RdsErrors.require("Engine", requested, rid);
    String engine = requested.toLowerCase(Locale.ROOT);
    if (!ENGINES.contains(engine)) {
      throw new UnsupportedByFakeRdsException(operation, "Engine",
          operation + " with Engine " + requested + ": the fake RDS simulates Aurora DB clusters "
              + "only (" + String.join(", ", new TreeSet<>(ENGINES)) + "); Multi-AZ DB "
              + "clusters are not simulated. docs/fidelity.md lists what the fake simulates.");
    }
    return engine;
  }

  /**
   * Serverless v2 capacities: both given, in half steps, the minimum 0 to 256, the maximum 1 to
   * 256 and not below the minimum (API reference and Aurora user guide).
   */
  private static String scalingViolation(ServerlessV2ScalingConfiguration c) {
    Double min = c.minCapacity();
    Double max = c.maxCapacity();
    if (min == null || max == null) {
      return "ServerlessV2ScalingConfiguration needs both MinCapacity and MaxCapacity.";
    }
    if (min < 0 || min > 256 || max < 1 || max > 256 || min * 2 != Math.rint(min * 2)
        || max * 2 != Math.rint(max * 2) || min > max) {
      return "Invalid ServerlessV2ScalingConfiguration: MinCapacity " + min + ", MaxCapacity "
          + max + " (capacities are half steps, the minimum 0 to 256, the maximum 1 to 256 and "
          + "not below the minimum).";
    }
    return null;
  }

  /** Refuses settings that RDS refuses for a cluster of {@code engine}, with its error code. */
  static void check(Map<ClusterSetting, Object> after, String engine, String rid) {
    Integer retention = (Integer) after.get(ClusterSetting.BACKUP_RETENTION);
    RdsErrors.invalidIf(retention != null && (retention < 1 || retention > 35)
        ? "BackupRetentionPeriod must be a value from 1 to 35, not " + retention + "." : null, rid);
    Integer port = (Integer) after.get(ClusterSetting.PORT);
    RdsErrors.invalidIf(port != null && (port < 1150 || port > 65535)
        ? "Port must be a value from 1150 to 65535, not " + port + "." : null, rid);
    ServerlessV2ScalingConfiguration scaling =
        (ServerlessV2ScalingConfiguration) after.get(ClusterSetting.SERVERLESS_V2);
    if (scaling != null) {
      RdsErrors.invalidIf(scalingViolation(scaling), rid);
    }
    Object logs = after.get(ClusterSetting.LOG_EXPORTS);
    Set<String> valid = LOG_TYPES.get(engine);
    if (logs != null && valid != null) {
      for (Object type : (List<?>) logs) {
        RdsErrors.combinationIf(!valid.contains(type)
            ? "You cannot use the log types '" + type + "' with engine " + engine + "." : null,
            rid);
      }
    }
  }
}
