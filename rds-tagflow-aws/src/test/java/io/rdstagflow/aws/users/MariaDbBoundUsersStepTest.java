package io.rdstagflow.aws.users;

import static io.rdstagflow.aws.users.DatabaseServer.Login.OK;
import static io.rdstagflow.aws.users.DatabaseServer.Login.WRONG_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.StepResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bound-users step on a real MariaDB server (the MySQL family's SQL). */
class MariaDbBoundUsersStepTest extends BoundUsersStepContract {

  private static MariaDbServer server;
  private static final String[] skipReason = {""};

  @BeforeAll
  static void startServer() throws Exception {
    server = DatabaseServer.startOrNull(MariaDbServer::start, skipReason);
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
        ResultSet r = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
      return r.next() && !r.getString(2).isEmpty();
    }
  }

  @Override
  String hostileLabel() {
    return "ev'@'%' ACCOUNT LOCK;\\'";
  }

  /**
   * Row 54 of poll-scenarios.md on MariaDB: user names compare exactly ({@code mysql.user} is
   * {@code utf8mb3_bin}), so {@code binding_a1} is another user than {@code Binding_A1}: it cannot
   * log in as it. The step follows that rule: it names the missing user and the case variant at
   * WARN and leaves the variant alone.
   */
  @Test
  void aBoundUserNamedInAnotherCaseIsAnotherUserToMariaDbSoItIsNamedAndTheVariantLeftAlone() throws SQLException {
    String stored = user("Binding_A");
    String named = "binding_a" + n;
    assertThat(login(named, oldPassword(stored))).as("MariaDB's own rule: another user").isEqualTo(WRONG_PASSWORD);

    assertThat(run(step(named).build())).isEqualTo(StepResult.done());

    assertThat(login(stored, oldPassword(stored))).isEqualTo(OK);
    assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("bound user " + named + " does not exist")
        && l.contains("differ only in case, left alone: " + stored));
    assertThat(run(step(named).missingBoundUsers(MissingBoundUsers.FAIL).build()))
        .isEqualTo(StepResult.failed("bound users not in the database, not reset: " + named + " (the others were reset)"));
  }

  @Test
  void aBoundUserNamedInTheCaseMariaDbStoresIsReset() throws SQLException {
    String stored = user("Binding_C");

    assertThat(run(step(stored).build())).isEqualTo(StepResult.done());

    assertThat(login(stored, oldPassword(stored))).isEqualTo(WRONG_PASSWORD);
    assertThat(login(stored, newPassword(stored))).isEqualTo(OK);
  }

  @Test
  void everyHostOfABoundUserGetsTheNewPassword() throws SQLException {
    String app = user("app");
    server.adminExecute("CREATE USER " + DatabaseServer.myAccount(app, "127.0.0.1") + " IDENTIFIED BY "
        + DatabaseServer.myString(oldPassword(app)));

    assertThat(run(step(app).build())).isEqualTo(StepResult.done());

    // From 127.0.0.1 the server picks the more specific account, so this proves the second one.
    assertThat(login(app, oldPassword(app))).isEqualTo(WRONG_PASSWORD);
    assertThat(login(app, newPassword(app))).isEqualTo(OK);
  }

  @Test
  void theMasterIsSparedWhateverHostCurrentUserNames() throws SQLException {
    // The master logs in through its more specific 127.0.0.1 account, so CURRENT_USER() says
    // master@127.0.0.1; its '%' account is the master too and must be spared as well.
    String password = masterPasswords.password(instanceId, master);
    String specific = DatabaseServer.myAccount(master, "127.0.0.1");
    server.adminExecute("CREATE USER " + specific + " IDENTIFIED BY " + DatabaseServer.myString(password),
        "GRANT ALL PRIVILEGES ON *.* TO " + specific + " WITH GRANT OPTION");
    String other = user("other");

    assertThat(run(step().otherLoginUsers(OtherLoginUsers.LOCK).build())).isEqualTo(StepResult.done());

    assertThat(server.isLocked(other, "%")).isTrue();
    assertThat(server.isLocked(master, "%")).isFalse();
    assertThat(server.isLocked(master, "127.0.0.1")).isFalse();
    assertThat(login(master, password)).isEqualTo(OK);
  }

  @Test
  void aPasswordIsSetExactlyUnderNoBackslashEscapes() throws SQLException {
    String app = user("app");
    String tricky = "back\\slash'quote\\\\" + n;
    secrets.add(tricky);
    server.adminExecute("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    try {
      StepResult result = run(BoundUsersStep.jdbc().boundUsers(BoundUsers.of(List.of(app)))
          .masterPasswords(masterPasswords).userPasswords((id, user) -> tricky).tls(TlsMode.DISABLED).build());
      assertThat(result).isEqualTo(StepResult.done());
    } finally {
      server.adminExecute("SET GLOBAL sql_mode = REPLACE(@@GLOBAL.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
    }
    assertThat(login(app, tricky)).isEqualTo(OK);
  }
}
