package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.users.ConnectionFactory;
import io.rdstagflow.aws.users.ConnectionTarget;
import io.rdstagflow.aws.users.DatabaseFamily;
import io.rdstagflow.aws.users.ScramVerifier;
import io.rdstagflow.aws.users.TlsMode;
import io.rdstagflow.core.RdsInstance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerException;

/**
 * Binding's database work on a real RDS PostgreSQL instance, over JDBC as the master user, with TLS.
 *
 * <p>DDL takes no bind parameters, so names and passwords are checked against narrow patterns
 * before they are put in a statement: user names of {@code [a-z0-9_]} (the broker makes them so)
 * and passwords of letters and digits (what {@code DerivedPasswordSource} gives), comments of
 * letters, digits, spaces and {@code =:-} (a request digest). The statement
 * carries a SCRAM verifier computed here, not the password, as the library's bound-users step does,
 * so the password reaches neither the wire nor the server's statement log.
 *
 * <p>Failures are reported by SQLState only: a driver's message may echo the statement, password
 * included.
 */
public final class PostgresDatabaseUsers implements DatabaseUsers {

  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9]{8,128}");
  private static final Pattern COMMENT = Pattern.compile("[A-Za-z0-9 =:-]{0,200}");

  private final ConnectionFactory connections;

  /** Database work through this connection factory. */
  public PostgresDatabaseUsers(ConnectionFactory connections) {
    this.connections = Objects.requireNonNull(connections, "connections");
  }

  @Override
  public Optional<Login> login(RdsInstance instance, String masterPassword, String user) {
    checkUser(user);
    List<Login> found = new ArrayList<>();
    run(instance, masterPassword, "reading user " + user, connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT rolcanlogin, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = ?")) {
        query.setString(1, user);
        try (ResultSet rows = query.executeQuery()) {
          if (rows.next()) {
            found.add(new Login(rows.getBoolean(1), Objects.toString(rows.getString(2), "")));
          }
        }
      }
    });
    return found.stream().findFirst();
  }

  @Override
  public void createLogin(RdsInstance instance, String masterPassword, String user, String password, String comment) {
    checkUser(user);
    if (!PASSWORD.matcher(password).matches()) {
      throw new ServiceBrokerException("the password source gave a password this example does not quote"
          + " (it expects 8 to 128 letters and digits)");
    }
    if (!COMMENT.matcher(comment).matches()) {
      throw new IllegalArgumentException("a role comment of letters, digits, spaces and =:- only, got another");
    }
    run(instance, masterPassword, "creating user " + user, connection -> {
      boolean exists;
      try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        query.setString(1, user);
        try (ResultSet rows = query.executeQuery()) {
          exists = rows.next();
        }
      }
      try (Statement ddl = connection.createStatement()) {
        ddl.execute((exists ? "ALTER ROLE \"" : "CREATE ROLE \"") + user + "\" WITH LOGIN PASSWORD '" + ScramVerifier.of(password) + "'");
        ddl.execute("COMMENT ON ROLE \"" + user + "\" IS '" + comment + "'");
      }
    });
  }

  @Override
  public void lockLogin(RdsInstance instance, String masterPassword, String user) {
    checkUser(user);
    run(instance, masterPassword, "locking user " + user, connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        query.setString(1, user);
        try (ResultSet rows = query.executeQuery()) {
          if (!rows.next()) {
            return; // never created, or already gone: nothing to lock
          }
        }
      }
      try (Statement ddl = connection.createStatement()) {
        ddl.execute("ALTER ROLE \"" + user + "\" WITH NOLOGIN");
      }
    });
  }

  private static void checkUser(String user) {
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException("user name '" + user + "' is not of [a-z0-9_]");
    }
  }

  private interface Work {
    void run(Connection connection) throws SQLException;
  }

  private void run(RdsInstance instance, String masterPassword, String doing, Work work) {
    RdsInstance.Endpoint endpoint = instance.endpoint()
        .orElseThrow(() -> new ServiceBrokerException("instance " + instance.id() + " has no endpoint yet"));
    ConnectionTarget target = new ConnectionTarget(DatabaseFamily.POSTGRESQL, instance.engine().orElse("postgres"),
        endpoint.host(), endpoint.port(), "postgres", instance.masterUsername().orElse("postgres"), masterPassword,
        TlsMode.REQUIRED);
    try (Connection connection = connections.open(target)) {
      work.run(connection);
    } catch (SQLException e) {
      // No cause attached: its message may hold the statement, and so the password.
      throw new ServiceBrokerException(doing + " on instance " + instance.id() + " failed with SQLState "
          + e.getSQLState());
    }
  }
}
