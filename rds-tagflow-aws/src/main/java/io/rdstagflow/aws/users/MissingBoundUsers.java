package io.rdstagflow.aws.users;

/**
 * What the bound-users step does with a bound user that the database has under neither the name
 * the broker gave nor the name the database's own rule makes of it (PostgreSQL folds unquoted
 * names to lower case; MySQL and MariaDB compare user names exactly). Either way the user is named
 * in a WARN line, with any user names that differ from it only in case.
 */
public enum MissingBoundUsers {
  /**
   * Skip it and go on: the step resets the others and answers {@code done}. The source may never
   * have had the user (a binding that created none, one the user dropped). The default.
   */
  SKIP,
  /**
   * Reset the others, then fail the step naming the missing users: for brokers whose every
   * binding creates a user, where a missing one means the broker names users differently from
   * how it created them, and an old password may still be valid under the stored name.
   */
  FAIL
}
