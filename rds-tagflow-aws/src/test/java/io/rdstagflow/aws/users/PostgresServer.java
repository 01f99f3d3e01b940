package io.rdstagflow.aws.users;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the version installed, found through {@code pg_config --bindir}, with
 * SCRAM password authentication on 127.0.0.1. Its tools refuse to run as root, so as root they run
 * as the {@code postgres} OS user. Started with {@code pg_ctl -w}, which waits until the server
 * accepts connections.
 */
public final class PostgresServer extends DatabaseServer {

  static final String ADMIN = "postgres";
  static final String ADMIN_PASSWORD = "harness-admin-pw";

  private final Path bin;
  private final Path data;
  private final int port;
  private int versionNum;
  private boolean tls;

  private PostgresServer(Path bin) throws IOException {
    super("tagflow-pg");
    this.bin = bin;
    this.data = dir.resolve("data");
    this.port = freePort();
  }

  /**
   * Starts a server, or skips the test (fails it under {@code CI=true}) when PostgreSQL is not
   * installed.
   */
  public static PostgresServer start() throws Exception {
    Optional<Path> bin = bindir();
    require(bin.isPresent() && Files.isExecutable(bin.get().resolve("initdb")),
        "PostgreSQL server binaries (pg_config --bindir, initdb, pg_ctl)",
        "install the Debian package postgresql");
    PostgresServer server = new PostgresServer(bin.get());
    try {
      server.boot();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * The server binaries' directory: what {@code pg_config --bindir} says, else the newest
   * {@code /usr/lib/postgresql/<version>/bin} (Debian's layout, for machines without pg_config).
   */
  private static Optional<Path> bindir() {
    Optional<Path> fromPgConfig = findExecutable("pg_config").flatMap(PostgresServer::askPgConfig);
    if (fromPgConfig.isPresent()) {
      return fromPgConfig;
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> askPgConfig(Path pgConfig) {
    try {
      Process p = new ProcessBuilder(pgConfig.toString(), "--bindir").redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(Path.of(out)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void boot() throws IOException, SQLException {
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, ADMIN_PASSWORD + "\n");
    Path log = dir.resolve("server.log");
    Files.createFile(log);
    tls = selfSignedCertificate(dir);
    chownRecursively(dir, "postgres");
    run(as("postgres", List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ADMIN,
        "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync")),
        log, Duration.ofMinutes(2));
    String options = "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir
        + " -c fsync=off -c max_connections=30 -c password_encryption=scram-sha-256"
        + (tls ? " -c ssl=on -c ssl_cert_file=" + dir.resolve("server.crt") + " -c ssl_key_file=" + dir.resolve("server.key") : "");
    run(as("postgres", List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
        "-w", "-t", "60", "-o", options, "start")), log, Duration.ofSeconds(90));
    try (Connection c = admin(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW server_version_num")) {
      r.next();
      versionNum = Integer.parseInt(r.getString(1));
    }
  }

  @Override
  public void stop() {
    try {
      run(as("postgres", List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast",
          "-w", "-t", "60", "stop")), dir.resolve("stop.log"), Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new IllegalStateException("could not stop PostgreSQL in " + dir, e);
    }
  }

  @Override
  public boolean offersTls() {
    return tls;
  }

  @Override
  public String engine() {
    return "postgres";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String version() throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_version")) {
      r.next();
      return "PostgreSQL " + r.getString(1);
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
    p.setProperty("sslmode", "disable");
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  @Override
  public void createMaster(String user, String password) throws SQLException {
    // As on RDS: the master manages roles but is no superuser.
    adminExecute("CREATE ROLE " + pgIdent(user) + " LOGIN CREATEROLE PASSWORD "
        + pgString(password));
  }

  @Override
  public void createLoginUser(String user, String password, String master) throws SQLException {
    String role = pgIdent(user);
    adminExecute("CREATE ROLE " + role + " LOGIN PASSWORD " + pgString(password));
    if (versionNum >= 160000) {
      // From PostgreSQL 16 a CREATEROLE role may alter only roles it holds ADMIN OPTION on; RDS's
      // master has that for the users it created (the bound users were created through it).
      adminExecute("GRANT " + role + " TO " + pgIdent(master)
          + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
    }
  }

  @Override
  public void dropUser(String user) throws SQLException {
    adminExecute("DROP ROLE IF EXISTS " + pgIdent(user));
  }

  @Override
  public Login login(String user, String password) {
    try (Connection c = connect(user, password)) {
      return Login.OK;
    } catch (SQLException e) {
      if ("28P01".equals(e.getSQLState())) {
        return Login.WRONG_PASSWORD;
      }
      if ("28000".equals(e.getSQLState())) {
        // "role is not permitted to log in": checked after the password was accepted.
        return Login.LOCKED;
      }
      throw new AssertionError("login failed for another reason than a refused login: SQLState " + e.getSQLState(), e);
    }
  }
}
