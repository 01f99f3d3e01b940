package io.rdstagflow.aws.users;

import io.rdstagflow.core.Step;

/**
 * The step that resets the passwords of the users the broker's bindings created, run last in the
 * ready restore flows: after a restore, the database holds the source's users with the source's
 * passwords, so old credentials would keep working on the copy.
 *
 * <p>{@link #none()} is for brokers without bound users; {@link #jdbc()} builds the JDBC
 * implementation for PostgreSQL and MySQL/MariaDB. A broker may write its own (for another engine,
 * say); it must be idempotent like every {@link Step}.
 */
public interface BoundUsersStep extends Step {

  /** The name the built-in implementations use unless told otherwise. */
  String DEFAULT_NAME = "users";

  /**
   * A step named {@value #DEFAULT_NAME} that does nothing and answers {@code done} at once: for
   * brokers whose bindings create no database users. Idempotent and thread-safe.
   */
  static BoundUsersStep none() {
    return NoBoundUsersStep.INSTANCE;
  }

  /** A builder of the JDBC implementation; see {@link JdbcBoundUsersStep}. */
  static JdbcBoundUsersStep.Builder jdbc() {
    return JdbcBoundUsersStep.builder();
  }
}
