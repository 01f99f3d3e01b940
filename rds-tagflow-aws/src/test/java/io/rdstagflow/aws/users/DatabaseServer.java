package io.rdstagflow.aws.users;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real database server that a test starts on a free loopback port, in a temporary directory of
 * its own, and stops (removing the directory) when closed; a JVM shutdown hook stops it too if the
 * test run is cut short. Subclasses know one engine.
 *
 * <p>A server whose binaries are missing skips the test with a message saying what to install,
 * except under {@code CI=true}, where it fails it: CI must run these tests, not skip them.
 */
public abstract class DatabaseServer implements AutoCloseable {

  /** What a login attempt showed. */
  public enum Login {
    /** Logged in. */
    OK,
    /** Refused: wrong password (or no such user). */
    WRONG_PASSWORD,
    /** Refused: the password was right but the user may not log in (NOLOGIN, ACCOUNT LOCK). */
    LOCKED
  }

  static final boolean RUNNING_AS_ROOT = "root".equals(System.getProperty("user.name"));

  final Path dir;
  private final Thread shutdownHook;
  private boolean closed;

  DatabaseServer(String prefix) throws IOException {
    this.dir = Files.createTempDirectory(prefix);
    this.shutdownHook = new Thread(this::stopAndClean, prefix + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The RDS engine name the step should be told, such as {@code postgres}. */
  public abstract String engine();

  /** The loopback port it listens on. */
  public abstract int port();

  /** The server's version, as it reports it. */
  public abstract String version() throws SQLException;

  /** A connection as the server's own administrator. */
  public abstract Connection admin() throws SQLException;

  /** Creates a master user as RDS has it: may manage users, is no superuser where that matters. */
  public abstract void createMaster(String user, String password) throws SQLException;

  /** Creates a login user with this password, manageable by the given master. */
  public abstract void createLoginUser(String user, String password, String master) throws SQLException;

  /** Drops a user if it exists (cleanup between tests). */
  public abstract void dropUser(String user) throws SQLException;

  /**
   * Tries to log in over TCP. Any failure other than a refused login is thrown, so a test cannot
   * pass because the server went away.
   */
  public abstract Login login(String user, String password);

  /** Stops the server; called once. */
  public abstract void stop();

  // The harness quotes on its own, not with the SqlText under test, so a quoting bug in the step
  // cannot also bend the setup that is meant to catch it.

  /** A PostgreSQL quoted identifier, for the harness's own statements. */
  static String pgIdent(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A PostgreSQL standard string literal (standard_conforming_strings is on by default). */
  static String pgString(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** A MySQL string literal under the default sql_mode (backslash escapes on). */
  static String myString(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A MySQL account for the harness's own statements. */
  static String myAccount(String user, String host) {
    return myString(user) + "@" + myString(host);
  }

  /** Runs statements as the administrator. */
  final void adminExecute(String... statements) throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.setEscapeProcessing(false);
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  @Override
  public final synchronized void close() {
    if (!closed) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs or ran already.
      }
      stopAndClean();
    }
  }

  private synchronized void stopAndClean() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      deleteRecursively(dir);
    }
  }

  /**
   * Starts a server for a test class. A missing server fails under {@code CI=true}; elsewhere it
   * gives {@code null} and {@link #assumeRunning} skips each test with the reason, so the skips
   * are counted and their message says what to install.
   */
  static <S extends DatabaseServer> S startOrNull(ServerStart<S> start, String[] skipReason) throws Exception {
    try {
      return start.start();
    } catch (org.opentest4j.TestAbortedException e) {
      skipReason[0] = e.getMessage();
      return null;
    }
  }

  /** Skips the current test if the class's server could not be had. */
  static void assumeRunning(DatabaseServer server, String skipReason) {
    Assumptions.assumeTrue(server != null, skipReason);
  }

  /** A way to start a server. */
  interface ServerStart<S extends DatabaseServer> {
    /** Starts it, or aborts (skips) when it is not installed. */
    S start() throws Exception;
  }

  /** Skips the test (fails it under {@code CI=true}) when a server binary is missing. */
  static void require(boolean present, String what, String install) {
    if (present) {
      return;
    }
    String message = what + " not found: " + install;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: these tests must run, so a missing server fails the build)");
    }
    Assumptions.abort(message);
  }

  /** An executable by name on the PATH or in one of these directories. */
  static Optional<Path> findExecutable(String name, String... extraDirs) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of(extraDirs));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Makes a self-signed certificate and key (server.crt, server.key) in the directory with
   * {@code openssl}, so the server can offer TLS; false if openssl is not installed.
   */
  static boolean selfSignedCertificate(Path dir) throws IOException {
    Optional<Path> openssl = findExecutable("openssl");
    if (openssl.isEmpty()) {
      return false;
    }
    run(List.of(openssl.get().toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=127.0.0.1", "-keyout", dir.resolve("server.key").toString(),
        "-out", dir.resolve("server.crt").toString()), dir.resolve("openssl.log"), Duration.ofMinutes(1));
    return true;
  }

  /** Whether the server offers TLS (it does when openssl could make it a certificate). */
  public abstract boolean offersTls();

  /** A port on the loopback interface that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The command, run as this OS user when the tests run as root (database tools refuse root). */
  static List<String> as(String osUser, List<String> command) {
    if (!RUNNING_AS_ROOT) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", osUser, "--"));
    out.addAll(command);
    return out;
  }

  /** Gives a path, and everything under it, to an OS user when running as root. */
  static void chownRecursively(Path path, String osUser) throws IOException {
    if (!RUNNING_AS_ROOT) {
      return;
    }
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    var owner = lookup.lookupPrincipalByName(osUser);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(osUser);
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(owner);
        view.setGroup(group);
      }
    }
    Path key = path.resolve("server.key");
    if (Files.exists(key)) {
      // Both servers refuse a private key that others can read.
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** Runs a command to its end within the timeout; its output goes to the log file. */
  static void run(List<String> command, Path log, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout + tail(log));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + tail(log));
    }
  }

  /** The last lines of a server log, for a failure message. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "; last lines of " + log + ":\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + path, e);
    }
  }
}
