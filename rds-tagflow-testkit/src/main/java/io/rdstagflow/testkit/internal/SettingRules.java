package io.rdstagflow.testkit.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RDS's rules between settings (ModifyDBInstance and CreateDBInstance API reference), checked on
 * the settings an instance would have after a request, and the values RDS fills in.
 */
final class SettingRules {

  private static final Set<Integer> MONITORING_INTERVALS = Set.of(0, 1, 5, 10, 15, 30, 60);
  private static final Set<String> STORAGE_TYPES = Set.of("gp2", "gp3", "io1", "io2", "standard");

  private SettingRules() {}

  /** The log types RDS exports for an engine (ModifyDBInstance reference); others unchecked. */
  private static final Map<String, Set<String>> LOG_TYPES = Map.of(
      "postgres", Set.of("postgresql", "upgrade", "iam-db-auth-error"),
      "mysql", Set.of("audit", "error", "general", "slowquery", "iam-db-auth-error"),
      "mariadb", Set.of("audit", "error", "general", "slowquery", "iam-db-auth-error"));

  /** Refuses settings that RDS refuses for an instance of {@code engine}, with its error code. */
  static void check(Map<Setting, Object> after, String engine, String rid) {
    Object logs = after.get(Setting.LOG_EXPORTS);
    Set<String> valid = LOG_TYPES.get(engine);
    if (logs != null && valid != null) {
      for (Object type : (List<?>) logs) {
        RdsErrors.combinationIf(!valid.contains(type)
            ? "You cannot use the log types '" + type + "' with engine " + engine + "." : null, rid);
      }
    }
    Integer retention = (Integer) after.get(Setting.BACKUP_RETENTION);
    RdsErrors.invalidIf(retention != null && (retention < 0 || retention > 35)
        ? "BackupRetentionPeriod must be a value from 0 to 35, not " + retention + "." : null, rid);
    String storageType = (String) after.get(Setting.STORAGE_TYPE);
    RdsErrors.invalidIf(storageType != null && !STORAGE_TYPES.contains(storageType)
        ? "Invalid storage type: " + storageType + ". Valid values: gp2, gp3, io1, io2, standard."
        : null, rid);
    RdsErrors.combinationIf(("io1".equals(storageType) || "io2".equals(storageType))
        && after.get(Setting.IOPS) == null
        ? "Storage type " + storageType + " requires a value for Iops." : null, rid);
    Integer interval = (Integer) after.get(Setting.MONITORING_INTERVAL);
    RdsErrors.invalidIf(interval != null && !MONITORING_INTERVALS.contains(interval)
        ? "Invalid MonitoringInterval " + interval + ". Valid values: 0, 1, 5, 10, 15, 30, 60."
        : null, rid);
    boolean role = after.get(Setting.MONITORING_ROLE) != null;
    RdsErrors.combinationIf(interval != null && interval > 0 && !role
        ? "A MonitoringRoleArn value is required if you specify a MonitoringInterval value other "
            + "than 0." : null, rid);
    RdsErrors.combinationIf((interval == null || interval == 0) && role
        ? "A MonitoringInterval value other than 0 is required if you specify a "
            + "MonitoringRoleArn value." : null, rid);
    Integer days = (Integer) after.get(Setting.PERFORMANCE_INSIGHTS_RETENTION);
    RdsErrors.invalidIf(days != null && !validRetention(days)
        ? "Invalid PerformanceInsightsRetentionPeriod " + days + ". Valid values: 7, month * 31 "
            + "(month 1..23), 731." : null, rid);
  }

  private static boolean validRetention(int days) {
    return days == 7 || days == 731 || (days % 31 == 0 && days / 31 >= 1 && days / 31 <= 23);
  }

  /**
   * What RDS fills in for {@code after}: with Performance Insights on, the account's default KMS
   * key and 7 days' retention where the request gave none.
   */
  static Map<Setting, Object> completion(Map<Setting, Object> after, Arns arns) {
    Map<Setting, Object> filled = new EnumMap<>(Setting.class);
    if (Boolean.TRUE.equals(after.get(Setting.PERFORMANCE_INSIGHTS))) {
      if (after.get(Setting.PERFORMANCE_INSIGHTS_KMS_KEY) == null) {
        filled.put(Setting.PERFORMANCE_INSIGHTS_KMS_KEY, "arn:aws:kms:" + arns.region() + ":"
            + arns.accountId() + ":key/00000000-0000-4000-8000-00000000aws1");
      }
      if (after.get(Setting.PERFORMANCE_INSIGHTS_RETENTION) == null) {
        filled.put(Setting.PERFORMANCE_INSIGHTS_RETENTION,
            EngineDefaults.PERFORMANCE_INSIGHTS_RETENTION);
      }
    }
    return filled;
  }
}
