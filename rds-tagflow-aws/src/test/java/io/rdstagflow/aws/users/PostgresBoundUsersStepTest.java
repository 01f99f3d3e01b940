package io.rdstagflow.aws.users;

import static io.rdstagflow.aws.users.DatabaseServer.Login.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.StepResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bound-users step on a real PostgreSQL server. */
class PostgresBoundUsersStepTest extends BoundUsersStepContract {

  private static PostgresServer server;
  private static final String[] skipReason = {""};

  @BeforeAll
  static void startServer() throws Exception {
    server = DatabaseServer.startOrNull(PostgresServer::start, skipReason);
    if (server != null) {
      System.out.println("bound-users tests run on " + server.version());
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  DatabaseServer server() {
    DatabaseServer.assumeRunning(server, skipReason[0]);
    return server;
  }

  @Override
  boolean encrypted(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      return r.next() && r.getBoolean(1);
    }
  }

  @Override
  String hostileLabel() {
    return "evil\"\" NOLOGIN; ALTER ROLE \"" + master + "\" NOLOGIN; --";
  }

  @Test
  void superusersAndRdsAdminAreNeverLocked() throws SQLException {
    // On RDS rdsadmin is the superuser; here the harness's postgres is. Neither may be touched.
    server.adminExecute("DROP ROLE IF EXISTS rdsadmin", "CREATE ROLE rdsadmin LOGIN PASSWORD 'Rds-admin-pw-1'");
    created.add("rdsadmin");
    secrets.add("Rds-admin-pw-1");

    assertThat(run(step().otherLoginUsers(OtherLoginUsers.LOCK).build())).isEqualTo(StepResult.done());

    assertThat(login("rdsadmin", "Rds-admin-pw-1")).isEqualTo(OK);
    assertThat(login(PostgresServer.ADMIN, PostgresServer.ADMIN_PASSWORD)).isEqualTo(OK);
  }
}
