package io.rdstagflow.testkit.internal;

/** What RDS picks for an engine when a request leaves it out. */
final class EngineDefaults {

  /** CreateDBInstance's default storage type without {@code Iops} (API reference). */
  static final String STORAGE_TYPE = "gp3";
  /** The CA RDS gives new instances since 2024. */
  static final String CA_CERTIFICATE = "rds-ca-rsa2048-g1";
  static final String SECURITY_GROUP = "sg-0fa4e0c1d2b3a4f50";
  static final String SUBNET_GROUP = "default";
  static final String BACKUP_WINDOW = "03:00-03:30";
  static final String MAINTENANCE_WINDOW = "sun:05:00-sun:05:30";
  /** Performance Insights' default retention in days. */
  static final int PERFORMANCE_INSIGHTS_RETENTION = 7;

  private EngineDefaults() {}

  static String version(String engine) {
    return switch (engine) {
      case "postgres" -> "16.3";
      case "mysql" -> "8.0.39";
      case "mariadb" -> "10.11.9";
      case "aurora-postgresql" -> "16.4";
      case "aurora-mysql" -> "8.0.mysql_aurora.3.05.2";
      default -> "1.0";
    };
  }

  static int port(String engine) {
    return isPostgres(engine) ? 5432 : 3306;
  }

  /** PostgreSQL and Aurora PostgreSQL. */
  private static boolean isPostgres(String engine) {
    return engine.startsWith("postgres") || engine.equals("aurora-postgresql");
  }

  /**
   * The parameter group family, e.g. {@code postgres16}, {@code mysql8.0},
   * {@code aurora-postgresql16}, {@code aurora-mysql8.0}.
   */
  static String family(String engine, String version) {
    String[] v = version.split("\\.");
    return isPostgres(engine) ? engine + v[0]
        : engine + v[0] + (v.length > 1 ? "." + v[1] : "");
  }

  /** The major version: {@code 16} for PostgreSQL 16.3, {@code 8.0} for MySQL 8.0.39. */
  static String majorVersion(String engine, String version) {
    String[] v = version.split("\\.");
    return isPostgres(engine) && !v[0].equals("9") ? v[0]
        : v[0] + (v.length > 1 ? "." + v[1] : "");
  }

  /** The default option group, e.g. {@code default:postgres-16}, {@code default:mysql-8-0}. */
  static String optionGroup(String engine, String version) {
    return "default:" + engine + "-" + majorVersion(engine, version).replace('.', '-');
  }
}
