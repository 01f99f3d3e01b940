package io.rdstagflow.aws.users;

/**
 * Quoting for the statements the step has to build as text: DDL such as {@code ALTER ROLE} takes
 * no bind parameters, so names and passwords go in as quoted literals.
 */
final class SqlText {

  private SqlText() {}

  /** A PostgreSQL quoted identifier: double quotes, inner double quotes doubled. */
  static String postgresIdentifier(String name) {
    requireNoNul(name, "a role name");
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * A PostgreSQL escape string literal ({@code E'...'}): backslashes and single quotes escaped, so
   * it reads the same whatever {@code standard_conforming_strings} says.
   */
  static String postgresLiteral(String value) {
    requireNoNul(value, "a literal");
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /**
   * A MySQL/MariaDB string literal: single quotes doubled, and backslashes doubled unless the
   * session's {@code sql_mode} has {@code NO_BACKSLASH_ESCAPES} (where a backslash is an ordinary
   * character and doubling it would change the value).
   */
  static String mysqlLiteral(String value, boolean backslashEscapes) {
    requireNoNul(value, "a literal");
    String v = backslashEscapes ? value.replace("\\", "\\\\") : value;
    return "'" + v.replace("'", "''") + "'";
  }

  /** A MySQL account, {@code 'user'@'host'}. */
  static String mysqlAccount(String user, String host, boolean backslashEscapes) {
    return mysqlLiteral(user, backslashEscapes) + "@" + mysqlLiteral(host, backslashEscapes);
  }

  /**
   * A name from the database made safe for a log line: control characters replaced, cut to 64
   * characters, so a hostile role name cannot forge log lines.
   */
  static String forLog(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length() && b.length() < 64; i++) {
      char c = name.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return name.length() > 64 ? b + "..." : b.toString();
  }

  private static void requireNoNul(String s, String what) {
    if (s.indexOf('\0') >= 0) {
      // The value itself is not echoed: it may be a password.
      throw new IllegalArgumentException(what + " holds a NUL character, which SQL text cannot carry");
    }
  }
}
