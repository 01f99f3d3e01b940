package io.rdstagflow.aws.users;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a JDBC connection to the instance for the bound-users step. It lets the broker choose the
 * driver, a pool, TLS trust material and timeouts; {@link DriverManagerConnectionFactory} is a
 * ready one over {@link java.sql.DriverManager}.
 *
 * <p>An implementation must not log {@link ConnectionTarget#password()}, and should bound the time
 * it takes (the whole poll has a budget of some seconds). Thread-safe.
 */
@FunctionalInterface
public interface ConnectionFactory {

  /**
   * Opens a new connection as {@code target.user()}. The step closes it.
   *
   * @throws SQLException if the connection fails; the step reads only its SQLState and vendor
   *                      code: class {@code 08} (or a connection exception without SQLState)
   *                      means "not reachable yet", class {@code 28} "login refused"
   */
  Connection open(ConnectionTarget target) throws SQLException;
}
