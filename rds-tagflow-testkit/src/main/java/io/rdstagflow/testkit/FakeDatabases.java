package io.rdstagflow.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The databases inside the fake's PostgreSQL instances, as far as the fake models them: the
 * extensions installed in each database, at which version, and the version each engine version
 * ships as the default. The fake runs no database; work a step would do over JDBC is done on this
 * model and recorded, so a flow that ends with {@code ALTER EXTENSION ... UPDATE} runs on the fake
 * unattended and a test can assert on what it did. Obtained from {@link FakeRds#databases()}.
 *
 * <h2>Over JDBC</h2>
 *
 * {@link #connect} gives a {@link Connection} that understands the few statements rds-tagflow's
 * extension step sends and refuses every other one with SQLState {@code 0A000}: listing the
 * databases ({@code SELECT datname FROM pg_database ...}), listing installed extensions with their
 * default versions ({@code SELECT e.extname, e.extversion, a.default_version FROM pg_extension e
 * JOIN pg_available_extensions a ...}) and {@code ALTER EXTENSION "name" UPDATE}. A connection to
 * an instance that is not {@code available} fails with SQLState {@code 08001}, to a database that
 * does not exist with {@code 3D000}. No password is asked for or kept.
 *
 * <h2>Default versions</h2>
 *
 * {@code hstore} 1.7 on PostgreSQL 13, 1.8 from 14; {@code pg_trgm} 1.5 on 13, 1.6 from 14;
 * {@code postgis} 3.4.2 up to 15, 3.4.3 on 16, 3.5.0 from 17; {@code plpgsql} 1.0. Any other
 * extension's default is the version it was installed at.
 *
 * <p>Thread-safe: every method takes the fake's lock.
 */
public interface FakeDatabases {

  /**
   * One statement the fake database ran.
   *
   * @param at         when, on the fake's clock
   * @param instanceId the instance
   * @param database   the database connected to
   * @param user       the user logged in as
   * @param statement  the statement, for example {@code ALTER EXTENSION "hstore" UPDATE}
   */
  record Work(Instant at, String instanceId, String database, String user, String statement) {
    /** @throws NullPointerException if an argument is {@code null} */
    public Work {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(statement, "statement");
    }
  }

  /**
   * Installs an extension at a version in a database of the instance (creating the database in the
   * model if needed), as if a {@code CREATE EXTENSION ... VERSION} had run long ago. Not recorded
   * as work.
   *
   * @throws IllegalArgumentException if there is no such instance
   */
  FakeDatabases givenExtension(String instanceId, String database, String extension, String version);

  /** The installed extensions of the instance: database, then extension, then version. */
  Map<String, Map<String, String>> extensions(String instanceId);

  /** The statements run on the instance's databases, oldest first. */
  List<Work> work(String instanceId);

  /**
   * A JDBC connection to a database of the instance whose endpoint is {@code host}, as the user
   * named; see the class description for what it understands.
   *
   * @throws SQLException with SQLState {@code 08001} if no instance has this endpoint or it is not
   *     {@code available}, {@code 3D000} if the database does not exist
   */
  Connection connect(String host, int port, String database, String user) throws SQLException;
}
