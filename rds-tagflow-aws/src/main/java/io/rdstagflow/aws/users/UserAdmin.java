package io.rdstagflow.aws.users;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The user administration the step needs, in one engine family's SQL, over one open connection.
 * Only this class and its two subclasses build SQL text.
 */
abstract class UserAdmin {

  /**
   * One login account: a PostgreSQL role (no host), or a MySQL {@code 'user'@'host'} account.
   *
   * @param user     the user name
   * @param host     the MySQL host part, {@code null} on PostgreSQL
   * @param platform whether the database or RDS owns it (a superuser, a built-in or system user):
   *                 never touched
   */
  record Account(String user, String host, boolean platform) {
    /** How a log line shows it, made safe. */
    String forLog() {
      return host == null ? SqlText.forLog(user) : SqlText.forLog(user) + "@" + SqlText.forLog(host);
    }
  }

  final Connection connection;
  final int timeoutSeconds;

  UserAdmin(Connection connection, int timeoutSeconds) {
    this.connection = connection;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The administration for a family over this connection; may query the session's settings. */
  static UserAdmin open(DatabaseFamily family, Connection connection, int timeoutSeconds) throws SQLException {
    return switch (family) {
      case POSTGRESQL -> new Postgres(connection, timeoutSeconds);
      case MYSQL -> Mysql.open(connection, timeoutSeconds);
    };
  }

  /**
   * Whether a user name is one the database or RDS reserves, so the step never changes it: RDS's
   * own users and roles (every name beginning with {@code rds}, such as {@code rdsadmin},
   * {@code rdstopmgr}, {@code rdsrepladmin}, {@code rds_superuser}: RDS refuses changes to them
   * and keeps adding new ones) and the engine's built-ins.
   */
  static boolean reservedName(DatabaseFamily family, String user) {
    String u = user.toLowerCase(Locale.ROOT);
    if (u.startsWith("rds")) {
      return true;
    }
    return switch (family) {
      case POSTGRESQL -> u.startsWith("pg_");
      case MYSQL -> Mysql.SYSTEM_USERS.contains(u);
    };
  }

  /** The account this connection is logged in as. */
  abstract Account current() throws SQLException;

  /** The accounts of this user name (none if it does not exist). */
  abstract List<Account> accountsOf(String user) throws SQLException;

  /**
   * The name the database would store for this one had it been written as an unquoted
   * identifier, when that is another name: PostgreSQL folds unquoted identifiers to lower case
   * (so {@code CREATE ROLE Binding_A1} stores {@code binding_a1}); MySQL and MariaDB never fold
   * user names (they compare them exactly, by the binary collation of {@code mysql.user}).
   */
  abstract Optional<String> folded(String user);

  /** Other user names that differ from this one only in case (none when there are none), for a hint. */
  abstract List<String> namesDifferingInCase(String user) throws SQLException;

  /** Every account that can log in (roles and login-less entries left out). */
  abstract List<Account> loginAccounts() throws SQLException;

  /** Sets the account's password and lets it log in. Idempotent. */
  abstract void setPassword(Account account, String password) throws SQLException;

  /** Keeps the account from logging in. Idempotent. */
  abstract void lock(Account account) throws SQLException;

  /** Runs DDL; the text may hold a password, so nothing here may log it or keep it. */
  final void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      // Our text is quoted SQL, not JDBC escape syntax; do not let the driver rewrite {...}.
      s.setEscapeProcessing(false);
      s.execute(sql);
    }
  }

  final List<String[]> query(String sql, int columns, String... parameters) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      s.setQueryTimeout(timeoutSeconds);
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      List<String[]> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String[] row = new String[columns];
          for (int c = 0; c < columns; c++) {
            row[c] = r.getString(c + 1);
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  /** PostgreSQL and Aurora PostgreSQL: roles in {@code pg_roles}, {@code ALTER ROLE}. */
  static final class Postgres extends UserAdmin {

    Postgres(Connection connection, int timeoutSeconds) {
      super(connection, timeoutSeconds);
    }

    @Override
    Account current() throws SQLException {
      return new Account(query("SELECT current_user", 1).get(0)[0], null, false);
    }

    @Override
    List<Account> accountsOf(String user) throws SQLException {
      List<Account> out = new ArrayList<>();
      for (String[] row : query("SELECT rolname, rolsuper FROM pg_catalog.pg_roles WHERE rolname = ?", 2, user)) {
        out.add(account(row));
      }
      return out;
    }

    @Override
    Optional<String> folded(String user) {
      // downcase_identifier: ASCII letters only (bound user names are ASCII by the step's rule).
      StringBuilder b = new StringBuilder(user.length());
      for (int i = 0; i < user.length(); i++) {
        char c = user.charAt(i);
        b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
      }
      String folded = b.toString();
      return folded.equals(user) ? Optional.empty() : Optional.of(folded);
    }

    @Override
    List<String> namesDifferingInCase(String user) throws SQLException {
      List<String> out = new ArrayList<>();
      for (String[] row : query("SELECT rolname FROM pg_catalog.pg_roles WHERE lower(rolname) = lower(?) AND rolname <> ?"
          + " ORDER BY rolname", 1, user, user)) {
        out.add(row[0]);
      }
      return out;
    }

    @Override
    List<Account> loginAccounts() throws SQLException {
      List<Account> out = new ArrayList<>();
      for (String[] row : query("SELECT rolname, rolsuper FROM pg_catalog.pg_roles WHERE rolcanlogin ORDER BY rolname", 2)) {
        out.add(account(row));
      }
      return out;
    }

    private static Account account(String[] row) {
      // Superusers belong to the platform (on RDS only rdsadmin is one; the master is not); the
      // master could not alter them anyway.
      boolean superuser = "t".equals(row[1]) || "true".equals(row[1]);
      return new Account(row[0], null, superuser || row[0].startsWith("pg_"));
    }

    @Override
    void setPassword(Account account, String password) throws SQLException {
      // A SCRAM verifier rather than the password: the plain text never reaches the server or its
      // statement log (log_statement = ddl would record it).
      execute("ALTER ROLE " + SqlText.postgresIdentifier(account.user()) + " WITH LOGIN PASSWORD "
          + SqlText.postgresLiteral(ScramVerifier.of(password)));
    }

    @Override
    void lock(Account account) throws SQLException {
      execute("ALTER ROLE " + SqlText.postgresIdentifier(account.user()) + " WITH NOLOGIN");
    }
  }

  /** MySQL, MariaDB and Aurora MySQL: accounts in {@code mysql.user}, {@code ALTER USER}. */
  static final class Mysql extends UserAdmin {

    /** The engines' own accounts (MySQL's and MariaDB's system users, a self-run server's root). */
    static final Set<String> SYSTEM_USERS =
        Set.of("root", "mysql", "mariadb.sys", "mysql.sys", "mysql.session", "mysql.infoschema");

    private final boolean backslashEscapes;
    private final String notRole;

    private Mysql(Connection connection, int timeoutSeconds, boolean backslashEscapes, String notRole) {
      super(connection, timeoutSeconds);
      this.backslashEscapes = backslashEscapes;
      this.notRole = notRole;
    }

    static Mysql open(Connection connection, int timeoutSeconds) throws SQLException {
      Mysql probe = new Mysql(connection, timeoutSeconds, true, "");
      String sqlMode = probe.query("SELECT @@SESSION.sql_mode", 1).get(0)[0];
      boolean backslashEscapes = sqlMode == null || !sqlMode.toUpperCase(Locale.ROOT).contains("NO_BACKSLASH_ESCAPES");
      // MariaDB lists roles in mysql.user with is_role = 'Y'; MySQL has no such column (its roles
      // are locked accounts, which locking again leaves as they are).
      boolean mariadbRoles = !probe.query(
          "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'user'"
              + " AND COLUMN_NAME = 'is_role'", 1).isEmpty();
      return new Mysql(connection, timeoutSeconds, backslashEscapes, mariadbRoles ? " AND is_role <> 'Y'" : "");
    }

    @Override
    Account current() throws SQLException {
      // CURRENT_USER() is 'user@host'; the host never holds '@', a user name may.
      String value = query("SELECT CURRENT_USER()", 1).get(0)[0];
      int at = value.lastIndexOf('@');
      return at < 0 ? new Account(value, "%", false) : new Account(value.substring(0, at), value.substring(at + 1), false);
    }

    @Override
    List<Account> accountsOf(String user) throws SQLException {
      List<Account> out = new ArrayList<>();
      for (String[] row : query("SELECT User, Host FROM mysql.user WHERE User = ?" + notRole + " ORDER BY Host", 2, user)) {
        out.add(account(row));
      }
      return out;
    }

    @Override
    Optional<String> folded(String user) {
      // Seen on MariaDB 10.11: mysql.global_priv.User is utf8mb3_bin, 'binding_a1' cannot log in
      // as 'Binding_A1' and ALTER USER 'binding_a1' does not find it. MySQL's mysql.user is the same.
      return Optional.empty();
    }

    @Override
    List<String> namesDifferingInCase(String user) throws SQLException {
      List<String> out = new ArrayList<>();
      for (String[] row : query("SELECT DISTINCT User FROM mysql.user WHERE LOWER(User) = LOWER(?) AND User <> ?"
          + notRole + " ORDER BY User", 1, user, user)) {
        out.add(row[0]);
      }
      return out;
    }

    @Override
    List<Account> loginAccounts() throws SQLException {
      List<Account> out = new ArrayList<>();
      for (String[] row : query("SELECT User, Host FROM mysql.user WHERE 1 = 1" + notRole + " ORDER BY User, Host", 2)) {
        out.add(account(row));
      }
      return out;
    }

    private static Account account(String[] row) {
      return new Account(row[0], row[1], SYSTEM_USERS.contains(row[0].toLowerCase(Locale.ROOT)));
    }

    @Override
    void setPassword(Account account, String password) throws SQLException {
      execute("ALTER USER " + SqlText.mysqlAccount(account.user(), account.host(), backslashEscapes)
          + " IDENTIFIED BY " + SqlText.mysqlLiteral(password, backslashEscapes) + " ACCOUNT UNLOCK");
    }

    @Override
    void lock(Account account) throws SQLException {
      execute("ALTER USER " + SqlText.mysqlAccount(account.user(), account.host(), backslashEscapes) + " ACCOUNT LOCK");
    }
  }
}
