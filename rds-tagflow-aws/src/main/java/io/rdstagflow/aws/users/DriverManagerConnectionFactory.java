package io.rdstagflow.aws.users;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A {@link ConnectionFactory} over {@link DriverManager}, for brokers that need no pool: it builds
 * the URL for the driver on the class path and sets connect and socket timeouts and the TLS mode.
 *
 * <ul>
 *   <li>PostgreSQL: {@code jdbc:postgresql://host:port/database} with pgjdbc's
 *       {@code connectTimeout}, {@code socketTimeout} (seconds) and {@code sslmode}
 *       ({@code disable}, {@code require}, {@code verify-full}).
 *   <li>MySQL and MariaDB: {@code jdbc:mariadb://host:port/} when MariaDB Connector/J is on the
 *       class path, with {@code sslMode} ({@code disable}, {@code trust}, {@code verify-full});
 *       otherwise {@code jdbc:mysql://host:port/} for MySQL Connector/J, with {@code sslMode}
 *       ({@code DISABLED}, {@code REQUIRED}, {@code VERIFY_IDENTITY}); timeouts in milliseconds.
 * </ul>
 *
 * <p>The user and password travel as connection properties, never in the URL (which drivers and
 * pools log). Extra driver properties ({@link #withProperty}) go in as given, after ours, so a
 * broker can add trust material such as pgjdbc's {@code sslrootcert}. Do not turn on a driver's
 * statement tracing: it would log the statements that carry passwords.
 *
 * <p>Immutable and thread-safe.
 */
public final class DriverManagerConnectionFactory implements ConnectionFactory {

  /** Connect timeout unless told otherwise: short, because a poll has a budget of some seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Socket read timeout unless told otherwise. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(15);

  private final Duration connectTimeout;
  private final Duration socketTimeout;
  private final Map<String, String> extra;

  private DriverManagerConnectionFactory(Duration connectTimeout, Duration socketTimeout, Map<String, String> extra) {
    this.connectTimeout = connectTimeout;
    this.socketTimeout = socketTimeout;
    this.extra = Map.copyOf(extra);
  }

  /** A factory with the default timeouts and no extra properties. */
  public static DriverManagerConnectionFactory create() {
    return new DriverManagerConnectionFactory(DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, Map.of());
  }

  /**
   * The same factory with this connect timeout.
   *
   * @throws IllegalArgumentException if it is not positive
   */
  public DriverManagerConnectionFactory withConnectTimeout(Duration timeout) {
    return new DriverManagerConnectionFactory(positive(timeout, "connect timeout"), socketTimeout, extra);
  }

  /**
   * The same factory with this socket read timeout.
   *
   * @throws IllegalArgumentException if it is not positive
   */
  public DriverManagerConnectionFactory withSocketTimeout(Duration timeout) {
    return new DriverManagerConnectionFactory(connectTimeout, positive(timeout, "socket timeout"), extra);
  }

  /**
   * The same factory with one more driver property; it overrides a property this factory sets
   * itself. {@code user} and {@code password} cannot be set this way.
   *
   * @throws IllegalArgumentException for {@code user} or {@code password}
   */
  public DriverManagerConnectionFactory withProperty(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (key.equalsIgnoreCase("user") || key.equalsIgnoreCase("password")) {
      throw new IllegalArgumentException("the user and password come from the step's ConnectionTarget");
    }
    Map<String, String> copy = new LinkedHashMap<>(extra);
    copy.put(key, value);
    return new DriverManagerConnectionFactory(connectTimeout, socketTimeout, copy);
  }

  /**
   * Opens a connection with {@link DriverManager}.
   *
   * @throws SQLException          from the driver
   * @throws IllegalStateException if no driver on the class path serves the engine: a setup error
   *                               that no wait would cure, so it is not reported as an
   *                               {@code SQLException} (whose SQLState would read as "unreachable")
   */
  @Override
  public Connection open(ConnectionTarget target) throws SQLException {
    String url = url(target);
    Properties props = properties(target, url);
    props.setProperty("user", target.user());
    props.setProperty("password", target.password());
    return DriverManager.getConnection(url, props);
  }

  /** The URL for a target, with no secret in it. */
  String url(ConnectionTarget target) {
    String host = target.host().contains(":") && !target.host().startsWith("[")
        ? "[" + target.host() + "]"
        : target.host();
    switch (target.family()) {
      case POSTGRESQL:
        String db = target.databaseName().orElse("postgres");
        return requireDriver("jdbc:postgresql://" + host + ":" + target.port() + "/" + db, "org.postgresql:postgresql");
      case MYSQL:
        String mariadb = "jdbc:mariadb://" + host + ":" + target.port() + "/";
        if (hasDriver(mariadb)) {
          return mariadb;
        }
        return requireDriver("jdbc:mysql://" + host + ":" + target.port() + "/",
            "org.mariadb.jdbc:mariadb-java-client or com.mysql:mysql-connector-j");
      default:
        throw new IllegalStateException("no URL for " + target.family());
    }
  }

  /** The driver properties for a target, without user and password. */
  Properties properties(ConnectionTarget target, String url) {
    Properties p = new Properties();
    if (url.startsWith("jdbc:postgresql:")) {
      p.setProperty("connectTimeout", Long.toString(seconds(connectTimeout)));
      p.setProperty("loginTimeout", Long.toString(seconds(connectTimeout)));
      p.setProperty("socketTimeout", Long.toString(seconds(socketTimeout)));
      p.setProperty("ApplicationName", "rds-tagflow");
      p.setProperty("sslmode", switch (target.tls()) {
        case DISABLED -> "disable";
        case REQUIRED -> "require";
        case VERIFY_FULL -> "verify-full";
      });
    } else if (url.startsWith("jdbc:mariadb:")) {
      p.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
      p.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
      p.setProperty("sslMode", switch (target.tls()) {
        case DISABLED -> "disable";
        case REQUIRED -> "trust";
        case VERIFY_FULL -> "verify-full";
      });
    } else {
      p.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
      p.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
      p.setProperty("sslMode", switch (target.tls()) {
        case DISABLED -> "DISABLED";
        case REQUIRED -> "REQUIRED";
        case VERIFY_FULL -> "VERIFY_IDENTITY";
      });
    }
    extra.forEach(p::setProperty);
    return p;
  }

  /** Shows the timeouts and the names of the extra properties, not their values. */
  @Override
  public String toString() {
    return "DriverManagerConnectionFactory[connectTimeout=" + connectTimeout + ", socketTimeout="
        + socketTimeout + ", extraProperties=" + extra.keySet() + "]";
  }

  private static boolean hasDriver(String url) {
    try {
      DriverManager.getDriver(url);
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static String requireDriver(String url, String artifact) {
    if (!hasDriver(url)) {
      throw new IllegalStateException("no JDBC driver on the class path accepts "
          + url.substring(0, url.indexOf("//")) + " URLs; add " + artifact + " to the broker");
    }
    return url;
  }

  private static long seconds(Duration d) {
    // Round up: a sub-second timeout must not become 0, which the drivers read as "no timeout".
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }
}
