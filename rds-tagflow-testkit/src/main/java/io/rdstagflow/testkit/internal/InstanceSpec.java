package io.rdstagflow.testkit.internal;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * The settings of a new instance, read once from whichever request made it: CreateDBInstance,
 * RestoreDBInstanceFromDBSnapshot and RestoreDBInstanceToPointInTime name their settings alike,
 * so one reading by member name serves all three. A setting the request leaves out comes from the
 * source (the snapshot or the source instance) where RDS copies it, else from RDS's default.
 */
final class InstanceSpec {

  private InstanceSpec() {}

  /**
   * A request member's value when the request sets it: {@code null} and the SDK's empty
   * auto-constructed collections count as not set, as does an empty list.
   */
  static Optional<Object> field(SdkPojo request, String member) {
    return request.sdkFields().stream().filter(f -> f.memberName().equals(member)).findFirst()
        .<Object>map(f -> f.getValueOrDefault(request))
        .filter(InstanceSpec::isSet);
  }

  static boolean isSet(Object value) {
    if (value == null || value instanceof SdkAutoConstructList<?>
        || value instanceof SdkAutoConstructMap<?, ?>) {
      return false;
    }
    return !(value instanceof Collection<?> c && c.isEmpty());
  }

  /**
   * Every setting of a new instance of {@code engine}: the request's, else {@code inherited}'s,
   * else RDS's default; Performance Insights' key and retention only when it is on.
   */
  static Map<Setting, Object> settings(SdkPojo request, Map<Setting, Object> inherited,
      String engine, Arns arns) {
    Map<Setting, Object> given = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      Optional<Object> v = field(request, s.createMember());
      if (v.isPresent()) {
        given.put(s, v.get() instanceof List<?> l ? List.copyOf(l) : v.get());
      } else if (inherited.get(s) != null) {
        given.put(s, inherited.get(s));
      }
    }
    Map<Setting, Object> all = new EnumMap<>(given);
    for (Setting s : Setting.values()) {
      if (!all.containsKey(s)) {
        Object d = defaultFor(s, given, engine);
        if (d != null) {
          all.put(s, d);
        }
      }
    }
    all.putAll(SettingRules.completion(all, arns));
    return all;
  }

  private static Object defaultFor(Setting s, Map<Setting, Object> given, String engine) {
    return switch (s) {
      case ALLOCATED_STORAGE -> 20;
      case ENGINE_VERSION -> EngineDefaults.version(engine);
      // API reference: io1 if Iops is given, otherwise gp3.
      case STORAGE_TYPE -> given.containsKey(Setting.IOPS) ? "io1" : EngineDefaults.STORAGE_TYPE;
      case CA_CERTIFICATE -> EngineDefaults.CA_CERTIFICATE;
      case OPTION_GROUP -> EngineDefaults.optionGroup(engine, (String) given.getOrDefault(
          Setting.ENGINE_VERSION, EngineDefaults.version(engine)));
      case SUBNET_GROUP -> EngineDefaults.SUBNET_GROUP;
      case BACKUP_RETENTION -> 1;
      case VPC_SECURITY_GROUPS -> List.of(EngineDefaults.SECURITY_GROUP);
      // API reference: true without a subnet group or with the default one, false otherwise.
      case PUBLICLY_ACCESSIBLE -> EngineDefaults.SUBNET_GROUP.equals(
          given.getOrDefault(Setting.SUBNET_GROUP, EngineDefaults.SUBNET_GROUP));
      case MONITORING_INTERVAL -> 0;
      case PORT -> EngineDefaults.port(engine);
      case BACKUP_WINDOW -> EngineDefaults.BACKUP_WINDOW;
      case MAINTENANCE_WINDOW -> EngineDefaults.MAINTENANCE_WINDOW;
      case MULTI_AZ, IAM_DATABASE_AUTHENTICATION, PERFORMANCE_INSIGHTS, COPY_TAGS_TO_SNAPSHOT,
          DELETION_PROTECTION -> false;
      case AUTO_MINOR_VERSION_UPGRADE -> true;
      case INSTANCE_CLASS, IOPS, STORAGE_THROUGHPUT, MONITORING_ROLE,
          PERFORMANCE_INSIGHTS_KMS_KEY, PERFORMANCE_INSIGHTS_RETENTION,
          MAX_ALLOCATED_STORAGE, LOG_EXPORTS -> null;
    };
  }
}
