package io.rdstagflow.aws.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.aws.LogCapture;
import io.rdstagflow.aws.users.DriverManagerConnectionFactory;
import io.rdstagflow.aws.users.PostgresServer;
import io.rdstagflow.aws.users.TlsMode;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ALTER EXTENSION ... UPDATE} on a real PostgreSQL server: contrib extensions created at old
 * versions ({@code hstore} 1.4, {@code citext} 1.4, {@code pg_trgm} 1.3, whose update scripts ship
 * with the server) by a master user that, as on RDS, is no superuser, in two databases. Skipped
 * when PostgreSQL is not installed (failed under {@code CI=true}).
 */
class PostgresExtensionsStepTest {

  private static final String MASTER = "tagflow_master";
  private static final String MASTER_PASSWORD = "Master-pw-for-the-extension-test-1";
  /** Another role, not the master's: an application's, say. */
  private static final String OTHER = "tagflow_other";
  private static final String OTHER_PASSWORD = "Other-pw-for-the-extension-test-2";

  @RegisterExtension
  final LogCapture logs = new LogCapture();

  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start(); // skips the class (fails it under CI=true) when PostgreSQL is missing
    System.out.println("extension tests run on " + server.version());
    admin("CREATE ROLE " + MASTER + " LOGIN CREATEROLE PASSWORD '" + MASTER_PASSWORD + "'",
        "CREATE ROLE " + OTHER + " LOGIN PASSWORD '" + OTHER_PASSWORD + "'");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void databases() throws SQLException {
    admin("DROP DATABASE IF EXISTS app1", "DROP DATABASE IF EXISTS app2", "DROP DATABASE IF EXISTS app3",
        "CREATE DATABASE app1 OWNER " + MASTER, "CREATE DATABASE app2 OWNER " + MASTER);
    master("app1", "CREATE EXTENSION hstore VERSION '1.4'", "CREATE EXTENSION citext VERSION '1.4'");
    master("app2", "CREATE EXTENSION pg_trgm VERSION '1.3'");
  }

  private static void admin(String... statements) throws SQLException {
    try (Connection c = server.admin(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static Connection connect(String database, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database, p);
  }

  private static void master(String database, String... statements) throws SQLException {
    try (Connection c = connect(database, MASTER, MASTER_PASSWORD); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Installed version and default version of each extension of a database. */
  private static Map<String, List<String>> extensions(String database) throws SQLException {
    Map<String, List<String>> versions = new TreeMap<>();
    try (Connection c = connect(database, MASTER, MASTER_PASSWORD); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(PostgresExtensionsStep.LIST_EXTENSIONS)) {
      while (r.next()) {
        versions.put(r.getString(1), List.of(r.getString(2), r.getString(3)));
      }
    }
    return versions;
  }

  private static StepResult run() {
    PostgresExtensionsStep step = PostgresExtensionsStep.builder()
        .masterPasswords((instance, user) -> MASTER_PASSWORD)
        .connectionFactory(DriverManagerConnectionFactory.create())
        .tls(TlsMode.DISABLED)
        .build();
    RdsInstance instance = RdsInstance.builder("db-1").status("available").engine("postgres")
        .endpoint("127.0.0.1", server.port()).masterUsername(MASTER).build();
    return step.run(new StepContext(instance, "engine-upgrade", "extensions", Map.of(), 1, Instant.now(),
        Clock.systemUTC()));
  }

  @Test
  void everyOutdatedExtensionInEveryDatabaseIsUpdatedToItsDefaultVersionAndASecondRunChangesNothing()
      throws SQLException {
    assertThat(extensions("app1").get("hstore").get(0)).isEqualTo("1.4");

    assertThat(run()).isEqualTo(StepResult.done());

    for (String db : List.of("app1", "app2")) {
      assertThat(extensions(db)).allSatisfy((name, versions) ->
          assertThat(versions.get(0)).as(db + " " + name).isEqualTo(versions.get(1)));
    }
    assertThat(extensions("app1")).containsKeys("hstore", "citext", "plpgsql");
    assertThat(extensions("app2")).containsKeys("pg_trgm");
    assertThat(logs.lines()).anyMatch(l -> l.contains("database app1: extension hstore updated from 1.4 to"))
        .anyMatch(l -> l.contains("database app2: extension pg_trgm updated from 1.3 to"))
        .anyMatch(l -> l.contains("3 extensions updated in"));
    Map<String, List<String>> after = extensions("app1");

    assertThat(run()).as("idempotent").isEqualTo(StepResult.done());

    assertThat(extensions("app1")).isEqualTo(after);
    assertThat(logs.lines()).anyMatch(l -> l.contains("0 extensions updated in"));
    logs.assertNoneContains(List.of(MASTER_PASSWORD));
  }

  @Test
  void anExtensionAnotherRoleOwnsFailsTheStepNamingItAndTheSqlState() throws SQLException {
    admin("CREATE DATABASE app3 OWNER " + OTHER);
    try (Connection c = connect("app3", OTHER, OTHER_PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION cube VERSION '1.2'"); // the other role's, not the master's
    }

    StepResult result = run();

    assertThat(result).isEqualTo(StepResult.failed("the master user lacks the privilege for updating extension cube"
        + " in database app3: SQLState 42501 (an extension another role owns must be updated by that role)"));
  }

  @Test
  void aRefusedMasterLoginIsRetriedNeverEchoingThePassword() {
    PostgresExtensionsStep step = PostgresExtensionsStep.builder()
        .masterPasswords((instance, user) -> "Wrong-password-for-the-test-9")
        .connectionFactory(DriverManagerConnectionFactory.create()).tls(TlsMode.DISABLED).build();
    RdsInstance instance = RdsInstance.builder("db-1").status("available").engine("postgres")
        .endpoint("127.0.0.1", server.port()).masterUsername(MASTER).build();

    StepResult result = step.run(new StepContext(instance, "engine-upgrade", "extensions", Map.of(), 1,
        Instant.now(), Clock.systemUTC()));

    assertThat(result).isEqualTo(StepResult.retry("master user login refused while listing the databases:"
        + " SQLState 28P01"));
    logs.assertNoneContains(List.of("Wrong-password-for-the-test-9"));
  }
}
