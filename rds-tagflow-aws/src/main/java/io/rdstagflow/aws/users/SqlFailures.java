package io.rdstagflow.aws.users;

import io.rdstagflow.core.StepResult;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Turns an {@link SQLException} into the step's answer. Only the SQLState and the vendor code are
 * read, never the message: drivers may echo the statement, and ours carry passwords.
 */
final class SqlFailures {

  /** MySQL/MariaDB error codes for a missing privilege (1044, 1142, 1227, 1410). */
  private static final Set<Integer> MYSQL_PRIVILEGE_CODES = Set.of(1044, 1142, 1227, 1410);

  /** MySQL/MariaDB: access denied for the login (1045). */
  private static final int MYSQL_ACCESS_DENIED = 1045;

  private SqlFailures() {}

  /** The answer to a failure to open the master user's connection. */
  static StepResult onConnect(SQLException e) {
    String state = e.getSQLState();
    if (unreachable(e)) {
      return StepResult.waiting("database not reachable yet: " + codes(e));
    }
    if (startsWith(state, "28") || e.getErrorCode() == MYSQL_ACCESS_DENIED) {
      // RDS may still be applying a new master password although the instance reads settled;
      // a counted retry gives it time, and the retry policy ends it if the password is wrong.
      return StepResult.retry("master user login refused: " + codes(e));
    }
    if ("3D000".equals(state)) {
      return StepResult.failed("the database to connect to does not exist: " + codes(e));
    }
    return StepResult.retry("could not connect as the master user: " + codes(e));
  }

  /** The answer to a failure of a statement while the step was doing {@code what}. */
  static StepResult onStatement(String what, SQLException e) {
    if (unreachable(e)) {
      return StepResult.waiting("database connection lost while " + what + ": " + codes(e));
    }
    if ("42501".equals(e.getSQLState()) || MYSQL_PRIVILEGE_CODES.contains(e.getErrorCode())) {
      return StepResult.failed("the master user lacks a privilege needed for " + what + ": " + codes(e));
    }
    return StepResult.retry("failed while " + what + ": " + codes(e));
  }

  /** SQLState class 08, a server starting or shutting down, or a connection exception without a state. */
  private static boolean unreachable(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return e instanceof SQLNonTransientConnectionException
          || e instanceof SQLTransientConnectionException
          || e instanceof SQLTimeoutException;
    }
    return startsWith(state, "08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
  }

  /** "SQLState 08001", plus the vendor code when there is one. */
  static String codes(SQLException e) {
    String state = e.getSQLState() == null ? "none" : e.getSQLState().replaceAll("[^A-Za-z0-9]", "");
    String text = "SQLState " + state;
    return e.getErrorCode() != 0 ? text + " error " + e.getErrorCode() : text;
  }

  private static boolean startsWith(String state, String prefix) {
    return state != null && state.startsWith(prefix);
  }
}
