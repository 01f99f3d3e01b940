package io.rdstagflow.aws.users;

/** What the bound-users step does with login users that are neither bound, master nor system. */
public enum OtherLoginUsers {
  /** Leave them as the restore left them. */
  KEEP,
  /**
   * Lock them, so no credential that the step does not know survives the restore: PostgreSQL
   * {@code ALTER ROLE ... NOLOGIN}, MySQL/MariaDB {@code ALTER USER ... ACCOUNT LOCK}. Nothing is
   * dropped (users may own objects) and nothing is lost: an operator can unlock a user.
   */
  LOCK
}
