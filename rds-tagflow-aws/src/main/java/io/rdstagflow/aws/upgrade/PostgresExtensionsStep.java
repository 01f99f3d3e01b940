package io.rdstagflow.aws.upgrade;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.users.ConnectionFactory;
import io.rdstagflow.aws.users.ConnectionTarget;
import io.rdstagflow.aws.users.DatabaseFamily;
import io.rdstagflow.aws.users.DriverManagerConnectionFactory;
import io.rdstagflow.aws.users.TlsMode;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a PostgreSQL upgrade, brings every installed extension in every database of the instance
 * to the version the new engine ships as its default: {@code ALTER EXTENSION "name" UPDATE} over
 * JDBC, as the master user. A major upgrade leaves extensions at their old versions (RDS upgrades
 * the engine, not the objects an extension installed), which is what users find when an extension
 * function misbehaves after the upgrade.
 *
 * <h2>What it does</h2>
 *
 * It connects to {@code postgres} (or the database given to {@link Builder#database}), lists the
 * databases that take connections (templates and RDS's {@code rdsadmin} left out), and in each
 * reads {@code pg_extension} joined with {@code pg_available_extensions}; every extension whose
 * installed version differs from the default version is updated, and a log line names it with both
 * versions. Extensions at their default version (such as {@code plpgsql}) are left alone, so the
 * step runs again harmlessly: a second run finds nothing to update. Engines other than PostgreSQL
 * have no extensions: the step is {@code done} without connecting.
 *
 * <p>Extensions that RDS requires updated <em>before</em> a major upgrade (PostGIS across some
 * versions) make the pre-upgrade check fail; the upgrade step reports that as a hop that left the
 * version unchanged. Extensions whose update needs more than {@code ALTER EXTENSION ... UPDATE}
 * (PostGIS's {@code postgis_extensions_upgrade()}) are updated only as far as that statement goes.
 *
 * <h2>Answers</h2>
 *
 * {@code done} when every extension is at its default version; {@code waiting} while the database
 * cannot be reached (SQLState class {@code 08}, a server starting or shutting down) or the
 * instance has no endpoint; {@code retry} when the master login is refused (class {@code 28}) or a
 * statement fails otherwise; {@code failed} when the master user lacks the privilege
 * ({@code 42501}: on RDS the master owns the extensions it created; extensions another role owns
 * must be updated by that role). Reasons carry SQLStates and names read from the catalog, never a
 * driver's message or a password.
 *
 * <p>Thread-safe; the password goes only to the {@link ConnectionFactory}.
 */
public final class PostgresExtensionsStep implements Step {

  private static final Logger log = LoggerFactory.getLogger(PostgresExtensionsStep.class);

  /** The step's name. */
  public static final String DEFAULT_NAME = "extensions";

  static final String LIST_DATABASES = "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate"
      + " AND datname <> 'rdsadmin' ORDER BY datname";
  static final String LIST_EXTENSIONS = "SELECT e.extname, e.extversion, a.default_version FROM pg_extension e"
      + " JOIN pg_available_extensions a ON a.name = e.extname ORDER BY e.extname";

  private final PasswordSource masterPasswords;
  private final ConnectionFactory connections;
  private final TlsMode tls;
  private final String database;
  private final Duration statementTimeout;

  private PostgresExtensionsStep(Builder b) {
    this.masterPasswords = Objects.requireNonNull(b.masterPasswords, "masterPasswords");
    this.connections = b.connections;
    this.tls = b.tls;
    this.database = b.database;
    this.statementTimeout = b.statementTimeout;
  }

  /** A builder; {@link Builder#masterPasswords} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return DEFAULT_NAME;
  }

  @Override
  public StepResult run(StepContext context) {
    RdsInstance instance = context.instance();
    if (DatabaseFamily.ofEngine(instance.engine().orElse("")).orElse(null) != DatabaseFamily.POSTGRESQL) {
      return StepResult.done(); // only PostgreSQL has extensions to update
    }
    if (instance.endpoint().isEmpty()) {
      return StepResult.waiting("the instance has no endpoint yet");
    }
    String master = instance.masterUsername().orElse(null);
    if (master == null) {
      return StepResult.failed("the instance description names no master user to log in as");
    }
    String password = masterPasswords.password(instance.id(), master);
    if (password == null || password.indexOf('\0') >= 0) {
      return StepResult.failed("the master password source gave no usable password");
    }
    List<String> databases;
    try (Connection c = open(instance, master, password, database)) {
      databases = column(c, LIST_DATABASES);
    } catch (SQLException e) {
      return answer("listing the databases", e);
    }
    int updated = 0;
    for (String db : databases) {
      try (Connection c = open(instance, master, password, db)) {
        for (String[] ext : rows(c, LIST_EXTENSIONS)) {
          if (ext[2] == null || ext[2].equals(ext[1])) {
            continue;
          }
          try {
            execute(c, "ALTER EXTENSION " + identifier(ext[0]) + " UPDATE");
          } catch (SQLException e) {
            return answer("updating extension " + safe(ext[0]) + " in database " + safe(db), e);
          }
          updated++;
          log.info("instance {}: database {}: extension {} updated from {} to {}", instance.id(), safe(db),
              safe(ext[0]), safe(ext[1]), safe(ext[2]));
        }
      } catch (SQLException e) {
        if ("3D000".equals(e.getSQLState())) {
          continue; // dropped since it was listed
        }
        return answer("reading the extensions of database " + safe(db), e);
      }
    }
    log.info("instance {}: {} extensions updated in {} databases", instance.id(), updated, databases.size());
    return StepResult.done();
  }

  private Connection open(RdsInstance instance, String master, String password, String db) throws SQLException {
    RdsInstance.Endpoint endpoint = instance.endpoint().orElseThrow();
    ConnectionTarget target = new ConnectionTarget(DatabaseFamily.POSTGRESQL, instance.engine().orElse("postgres"),
        endpoint.host(), endpoint.port(), db, master, password, tls);
    return Objects.requireNonNull(connections.open(target), "the ConnectionFactory returned null");
  }

  private List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    for (String[] row : rows(c, sql)) {
      values.add(row[0]);
    }
    return values;
  }

  private List<String[]> rows(Connection c, String sql) throws SQLException {
    int columns = sql.substring(0, sql.indexOf(" FROM ")).split(",").length;
    List<String[]> rows = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds());
      try (ResultSet r = s.executeQuery(sql)) {
        while (r.next()) {
          String[] row = new String[columns];
          for (int k = 0; k < columns; k++) {
            row[k] = r.getString(k + 1);
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds());
      s.setEscapeProcessing(false);
      s.execute(sql);
    }
  }

  /** The step's answer to a failure while doing {@code what}: from the SQLState alone. */
  private static StepResult answer(String what, SQLException e) {
    String state = e.getSQLState();
    String codes = "SQLState " + (state == null ? "none" : state.replaceAll("[^A-Za-z0-9]", ""));
    if (unreachable(e)) {
      return StepResult.waiting("database not reachable while " + what + ": " + codes);
    }
    if (state != null && state.startsWith("28")) {
      return StepResult.retry("master user login refused while " + what + ": " + codes);
    }
    if ("42501".equals(state)) {
      return StepResult.failed("the master user lacks the privilege for " + what + ": " + codes
          + " (an extension another role owns must be updated by that role)");
    }
    return StepResult.retry("failed while " + what + ": " + codes);
  }

  private static boolean unreachable(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
          || e instanceof SQLTimeoutException;
    }
    return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
  }

  /** A PostgreSQL quoted identifier. */
  static String identifier(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("an extension name holds a NUL character");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A name read from the catalog, made safe for a log line or a tag: letters, digits, {@code _ . -}, 63 at most. */
  private static String safe(String name) {
    String s = name == null ? "" : name.replaceAll("[^A-Za-z0-9_.-]", "?");
    return s.length() > 63 ? s.substring(0, 63) + "..." : s;
  }

  private int timeoutSeconds() {
    return (int) Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
  }

  /** The configuration, never the password source. */
  @Override
  public String toString() {
    return "PostgresExtensionsStep[tls=" + tls + ", database=" + database + ", statementTimeout=" + statementTimeout
        + ", connections=" + connections + "]";
  }

  /** Builds a {@link PostgresExtensionsStep}. Not thread-safe; the step it builds is. */
  public static final class Builder {
    private PasswordSource masterPasswords;
    private ConnectionFactory connections = DriverManagerConnectionFactory.create();
    private TlsMode tls = TlsMode.REQUIRED;
    private String database = "postgres";
    private Duration statementTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** The source of the master user's password (asked with the instance id and its master user); required. */
    public Builder masterPasswords(PasswordSource source) {
      this.masterPasswords = Objects.requireNonNull(source, "source");
      return this;
    }

    /** How to open connections; {@link DriverManagerConnectionFactory#create()} by default. */
    public Builder connectionFactory(ConnectionFactory factory) {
      this.connections = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** The TLS wish passed to the connection factory; {@link TlsMode#REQUIRED} by default. */
    public Builder tls(TlsMode tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The database to list the others from; {@code postgres} (which RDS creates) by default. */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /**
     * The timeout of each statement; 30 seconds by default.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder statementTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("statement timeout must be positive, was " + timeout);
      }
      this.statementTimeout = timeout;
      return this;
    }

    /**
     * The step.
     *
     * @throws NullPointerException if no master password source was given
     */
    public PostgresExtensionsStep build() {
      return new PostgresExtensionsStep(this);
    }
  }
}
