package io.rdstagflow.aws.users;

import static io.rdstagflow.aws.users.DatabaseServer.Login.LOCKED;
import static io.rdstagflow.aws.users.DatabaseServer.Login.OK;
import static io.rdstagflow.aws.users.DatabaseServer.Login.WRONG_PASSWORD;
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

  /**
   * Row 54 of poll-scenarios.md: the broker created {@code Binding_A1} unquoted, which PostgreSQL
   * stored as {@code binding_a1}, and names the binding {@code Binding_A1}.
   */
  @Test
  void aBoundUserNamedInAnotherCaseIsFoundAsPostgresFoldsItAndReset() throws SQLException {
    String stored = user("binding_a");
    String named = "Binding_A" + n;
    server.adminExecute("ALTER ROLE " + named + " VALID UNTIL 'infinity'"); // unquoted: PostgreSQL folds it to stored

    assertThat(run(step(named).build())).isEqualTo(StepResult.done());

    assertThat(login(stored, oldPassword(stored))).as("the source's password no longer works").isEqualTo(WRONG_PASSWORD);
    assertThat(login(stored, newPassword(named))).isEqualTo(OK);
    assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN")
        && l.contains("bound user " + named + " is stored as " + stored));
  }

  @Test
  void aFoldedBoundUserIsResetAndNotLockedAsAnOtherLoginUser() throws SQLException {
    String stored = user("binding_b");
    String named = "BINDING_B" + n;
    String other = user("other");

    assertThat(run(step(named).otherLoginUsers(OtherLoginUsers.LOCK).build())).isEqualTo(StepResult.done());

    assertThat(login(stored, newPassword(named))).isEqualTo(OK);
    assertThat(login(other, oldPassword(other))).isEqualTo(LOCKED);
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
