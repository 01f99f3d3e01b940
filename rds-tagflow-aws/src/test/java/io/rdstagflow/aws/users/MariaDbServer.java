package io.rdstagflow.aws.users;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the version installed ({@code mariadbd} and {@code mariadb-install-db} found
 * by name), in a fresh data directory, listening on 127.0.0.1 only. As root it runs as the
 * {@code mysql} OS user ({@code --user=mysql}). Readiness is a bounded loop that tries to connect
 * and otherwise waits on the server process itself (returning at once if it dies).
 */
public final class MariaDbServer extends DatabaseServer {

  private static final String ADMIN = "root";
  private static final String ADMIN_PASSWORD = "harness-admin-pw";
  private static final String[] SBIN = {"/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/mysql/bin"};
  private static final String[] BIN = {"/usr/bin", "/usr/local/bin", "/usr/local/mysql/scripts"};

  private final Path mariadbd;
  private final Path installDb;
  private final int port;
  private Process process;
  private boolean tls;

  private MariaDbServer(Path mariadbd, Path installDb) throws IOException {
    super("tagflow-mdb");
    this.mariadbd = mariadbd;
    this.installDb = installDb;
    this.port = freePort();
  }

  /**
   * Starts a server, or skips the test (fails it under {@code CI=true}) when MariaDB is not
   * installed.
   */
  public static MariaDbServer start() throws Exception {
    Optional<Path> server = findExecutable("mariadbd", SBIN);
    Optional<Path> installDb = findExecutable("mariadb-install-db", BIN);
    require(server.isPresent() && installDb.isPresent(), "MariaDB server (mariadbd, mariadb-install-db)",
        "install the Debian package mariadb-server");
    MariaDbServer s = new MariaDbServer(server.get(), installDb.get());
    try {
      s.boot();
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  private void boot() throws IOException, SQLException {
    Path data = dir.resolve("data");
    Path log = dir.resolve("server.log");
    Files.createFile(log);
    // The init file gives the TCP administrator a password; install-db creates root@127.0.0.1
    // without one on some versions and not at all on others, hence CREATE OR REPLACE.
    Path init = dir.resolve("init.sql");
    Files.writeString(init, "CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '" + ADMIN_PASSWORD + "';\n"
        + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n");
    tls = selfSignedCertificate(dir);
    chownRecursively(dir, "mysql");
    List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults"));
    if (RUNNING_AS_ROOT) {
      install.add("--user=mysql");
    }
    install.addAll(List.of("--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"));
    run(install, log, Duration.ofMinutes(2));

    List<String> command = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults"));
    if (RUNNING_AS_ROOT) {
      command.add("--user=mysql");
    }
    command.addAll(List.of("--datadir=" + data, "--socket=" + dir.resolve("sock"), "--pid-file=" + dir.resolve("pid"),
        "--port=" + port, "--bind-address=127.0.0.1", "--skip-networking=0", "--skip-name-resolve",
        "--init-file=" + init, "--skip-log-bin", "--innodb-buffer-pool-size=16M", "--log-error=" + log));
    if (tls) {
      command.addAll(List.of("--ssl-cert=" + dir.resolve("server.crt"), "--ssl-key=" + dir.resolve("server.key")));
    }
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    awaitReady(log, Duration.ofSeconds(60));
  }

  private void awaitReady(Path log, Duration limit) throws IOException, SQLException {
    Instant deadline = Instant.now().plus(limit);
    SQLException last = null;
    while (Instant.now().isBefore(deadline)) {
      try (Connection c = admin()) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        // Waits on the server itself: returns early, with the reason in the log, if it dies.
        if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
          throw new IOException("mariadbd exited with " + process.exitValue() + tail(log));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for mariadbd", e);
      }
    }
    throw new IOException("mariadbd did not accept connections within " + limit + tail(log), last);
  }

  @Override
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy(); // SIGTERM: a clean shutdown
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean offersTls() {
    return tls;
  }

  @Override
  public String engine() {
    return "mariadb";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String version() throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT VERSION()")) {
      r.next();
      return "MariaDB " + r.getString(1);
    }
  }

  @Override
  public Connection admin() throws SQLException {
    return connect(ADMIN, ADMIN_PASSWORD);
  }

  private Connection connect(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslMode", "disable");
    p.setProperty("connectTimeout", "10000");
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p);
  }

  @Override
  public void createMaster(String user, String password) throws SQLException {
    // RDS's master holds broad privileges with GRANT OPTION, CREATE USER among them, but not SUPER.
    String account = myAccount(user, "%");
    adminExecute("CREATE USER " + account + " IDENTIFIED BY " + myString(password),
        "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER,"
            + " SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW,"
            + " CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO " + account + " WITH GRANT OPTION");
  }

  @Override
  public void createLoginUser(String user, String password, String master) throws SQLException {
    adminExecute("CREATE USER " + myAccount(user, "%") + " IDENTIFIED BY "
        + myString(password));
  }

  @Override
  public void dropUser(String user) throws SQLException {
    List<String> hosts = new ArrayList<>();
    try (Connection c = admin(); var s = c.prepareStatement("SELECT Host FROM mysql.user WHERE User = ?")) {
      s.setString(1, user);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          hosts.add(r.getString(1));
        }
      }
    }
    for (String host : hosts) {
      adminExecute("DROP USER " + myAccount(user, host));
    }
  }

  /** Whether the account is locked, as MariaDB records it in {@code mysql.global_priv}. */
  boolean isLocked(String user, String host) throws SQLException {
    try (Connection c = admin(); var s = c.prepareStatement(
        "SELECT JSON_VALUE(Priv, '$.account_locked') FROM mysql.global_priv WHERE User = ? AND Host = ?")) {
      s.setString(1, user);
      s.setString(2, host);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new AssertionError("no account " + user + "@" + host);
        }
        // JSON true; the driver reads it as "1" (absent when the account was never locked).
        String v = r.getString(1);
        return "true".equals(v) || "1".equals(v);
      }
    }
  }

  @Override
  public Login login(String user, String password) {
    try (Connection c = connect(user, password)) {
      return Login.OK;
    } catch (SQLException e) {
      if (e.getErrorCode() == 1045) {
        return Login.WRONG_PASSWORD;
      }
      if (e.getErrorCode() == 4151) {
        // ER_ACCOUNT_HAS_BEEN_LOCKED: "Access denied, this account is locked".
        return Login.LOCKED;
      }
      throw new AssertionError("login failed for another reason than a refused login: SQLState "
          + e.getSQLState() + " error " + e.getErrorCode(), e);
    }
  }
}
