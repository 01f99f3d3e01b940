package io.rdstagflow.aws.users;

import java.util.Locale;
import java.util.Optional;

/** The wire protocol and SQL dialect of an RDS engine, as far as the bound-users step cares. */
public enum DatabaseFamily {
  /** RDS engines {@code postgres} and {@code aurora-postgresql}. */
  POSTGRESQL,
  /** RDS engines {@code mysql}, {@code mariadb}, {@code aurora-mysql} (and the old {@code aurora}). */
  MYSQL;

  /**
   * The family of an RDS engine name, ignoring case; empty for engines the step does not serve
   * (Oracle, SQL Server, Db2).
   */
  public static Optional<DatabaseFamily> ofEngine(String engine) {
    if (engine == null) {
      return Optional.empty();
    }
    String e = engine.toLowerCase(Locale.ROOT);
    if (e.equals("postgres") || e.startsWith("aurora-postgresql")) {
      return Optional.of(POSTGRESQL);
    }
    if (e.equals("mysql") || e.equals("mariadb") || e.startsWith("aurora-mysql") || e.equals("aurora")) {
      return Optional.of(MYSQL);
    }
    return Optional.empty();
  }
}
