package io.rdstagflow.aws.users;

import java.util.Objects;
import java.util.Optional;

/**
 * Where and how the bound-users step wants to connect: the instance's endpoint, the engine, the
 * database (PostgreSQL needs one), the user and password to log in with, and the TLS wish.
 *
 * <p>{@link #toString()} leaves the password out; never log {@link #password()}.
 *
 * @param family   the engine's family, which decides the driver
 * @param engine   the RDS engine name, such as {@code postgres} or {@code mariadb}
 * @param host     the endpoint's host name
 * @param port     the endpoint's port
 * @param database the database to connect to, or {@code null} where the engine needs none (MySQL)
 * @param user     the user to log in as (the master user)
 * @param password the user's password: a secret
 * @param tls      whether and how to use TLS
 */
public record ConnectionTarget(
    DatabaseFamily family,
    String engine,
    String host,
    int port,
    String database,
    String user,
    String password,
    TlsMode tls) {

  /** @throws NullPointerException if an argument other than {@code database} is {@code null} */
  public ConnectionTarget {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(tls, "tls");
  }

  /** The database to connect to, if the engine needs one. */
  public Optional<String> databaseName() {
    return Optional.ofNullable(database);
  }

  /** Everything but the password. */
  @Override
  public String toString() {
    return "ConnectionTarget[family=" + family + ", engine=" + engine + ", host=" + host
        + ", port=" + port + ", database=" + database + ", user=" + user + ", password=(hidden), tls="
        + tls + "]";
  }
}
