package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.FakeDatabases;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake's database model behind {@link FakeDatabases}, and the JDBC connections onto it: dynamic
 * proxies of {@link Connection}, {@link Statement}/{@link PreparedStatement} and {@link ResultSet}
 * that understand the extension step's statements and refuse the rest with SQLState
 * {@code 0A000}. Every access takes the simulation's lock.
 */
final class Databases implements FakeDatabases {

  private static final Pattern ALTER_UPDATE = Pattern.compile(
      "alter extension \"((?:[^\"]|\"\")+)\" update", Pattern.CASE_INSENSITIVE);

  private final Object lock;
  private final Clock clock;
  private final Store store;

  Databases(Object lock, Clock clock, Store store) {
    this.lock = lock;
    this.clock = clock;
    this.store = store;
  }

  @Override
  public FakeDatabases givenExtension(String instanceId, String database, String extension, String version) {
    synchronized (lock) {
      SimInstance i = instance(instanceId);
      i.databases.extensions.computeIfAbsent(database, d -> new TreeMap<>()).put(extension, version);
    }
    return this;
  }

  @Override
  public Map<String, Map<String, String>> extensions(String instanceId) {
    synchronized (lock) {
      Map<String, Map<String, String>> copy = new TreeMap<>();
      instance(instanceId).databases.extensions.forEach((d, e) -> copy.put(d, Map.copyOf(e)));
      return Map.copyOf(copy);
    }
  }

  @Override
  public List<Work> work(String instanceId) {
    synchronized (lock) {
      return List.copyOf(instance(instanceId).databases.work);
    }
  }

  @Override
  public Connection connect(String host, int port, String database, String user) throws SQLException {
    synchronized (lock) {
      SimInstance i = byHost(host);
      if (i == null) {
        throw new SQLException("The fake RDS has no instance with endpoint " + host, "08001");
      }
      i.settle(clock.instant());
      if (!"available".equals(i.statusAt(clock.instant()))) {
        throw new SQLException("Connection refused: instance " + i.id + " is " + i.statusAt(clock.instant()),
            "08001");
      }
      if (!i.engine.startsWith("postgres")) {
        throw new SQLException("The fake models PostgreSQL databases only", "0A000");
      }
      if (!i.databases.names(i.dbName).contains(database)) {
        throw new SQLException("database \"" + database + "\" does not exist", "3D000");
      }
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, new Session(i.id, database, user));
    }
  }

  private SimInstance instance(String instanceId) {
    SimInstance i = store.instance(instanceId);
    if (i == null) {
      throw new IllegalArgumentException("no DB instance " + instanceId + " in the fake");
    }
    return i;
  }

  private SimInstance byHost(String host) {
    for (SimInstance i : store.instances.values()) {
      if (host != null && host.toLowerCase(Locale.ROOT).startsWith(i.id + ".")) {
        return i;
      }
    }
    return null;
  }

  /** Runs one statement against the model; rows for a query, {@code null} for DDL. */
  private List<String[]> run(String instanceId, String database, String user, String sql) throws SQLException {
    synchronized (lock) {
      SimInstance i = store.instance(instanceId);
      if (i == null || !"available".equals(i.statusAt(clock.instant()))) {
        throw new SQLException("the connection was closed: the instance is not available", "08006");
      }
      String normal = sql.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
      String version = i.string(Setting.ENGINE_VERSION);
      Map<String, String> installed = i.databases.extensions.getOrDefault(database, Map.of());
      if (normal.startsWith("select datname from pg_database")) {
        List<String[]> rows = new ArrayList<>();
        for (String name : i.databases.names(i.dbName)) {
          rows.add(new String[] {name});
        }
        return rows;
      }
      if (normal.startsWith("select e.extname, e.extversion, a.default_version from pg_extension e")) {
        List<String[]> rows = new ArrayList<>();
        Map<String, String> all = new TreeMap<>(installed);
        all.putIfAbsent("plpgsql", "1.0");
        all.forEach((name, at) -> rows.add(new String[] {name, at, SimDatabases.defaultVersion(name, version, at)}));
        return rows;
      }
      Matcher m = ALTER_UPDATE.matcher(sql.strip());
      if (m.matches()) {
        String name = m.group(1).replace("\"\"", "\"");
        String at = installed.get(name);
        if (at == null && !name.equals("plpgsql")) {
          throw new SQLException("extension \"" + name + "\" does not exist", "42704");
        }
        if (at != null) {
          i.databases.extensions.get(database).put(name, SimDatabases.defaultVersion(name, version, at));
        }
        i.databases.work.add(new Work(clock.instant(), i.id, database, user, "ALTER EXTENSION \"" + name
            + "\" UPDATE"));
        return null;
      }
      throw new SQLFeatureNotSupportedException("the fake database does not run this statement; it understands"
          + " only the extension step's", "0A000");
    }
  }

  /** A connection to one database of one instance. */
  private final class Session implements InvocationHandler {
    private final String instanceId;
    private final String database;
    private final String user;
    private boolean closed;

    Session(String instanceId, String database, String user) {
      this.instanceId = instanceId;
      this.database = database;
      this.user = user;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "close":
          closed = true;
          return null;
        case "isClosed":
          return closed;
        case "isValid":
          return !closed;
        case "getAutoCommit":
          return true;
        case "setAutoCommit", "setReadOnly", "clearWarnings":
          return null;
        case "getWarnings":
          return null;
        case "toString":
          return "FakeConnection[" + instanceId + "/" + database + " as " + user + "]";
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        case "createStatement":
          requireOpen();
          return statement(null);
        case "prepareStatement":
          requireOpen();
          return statement((String) args[0]);
        default:
          throw new SQLFeatureNotSupportedException("Connection." + name + " is not supported by the fake database",
              "0A000");
      }
    }

    private void requireOpen() throws SQLException {
      if (closed) {
        throw new SQLException("This connection has been closed.", "08003");
      }
    }

    private Object statement(String prepared) {
      Class<?> type = prepared == null ? Statement.class : PreparedStatement.class;
      return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
        switch (m.getName()) {
          case "setQueryTimeout", "setEscapeProcessing", "close", "setFetchSize", "clearParameters":
            return null;
          case "execute": {
            String sql = prepared != null ? prepared : (String) a[0];
            List<String[]> rows = run(instanceId, database, user, sql);
            return rows != null;
          }
          case "executeUpdate": {
            run(instanceId, database, user, prepared != null ? prepared : (String) a[0]);
            return 0;
          }
          case "executeQuery": {
            String sql = prepared != null ? prepared : (String) a[0];
            List<String[]> rows = run(instanceId, database, user, sql);
            if (rows == null) {
              throw new SQLException("No results were returned by the query.", "02000");
            }
            return resultSet(rows, sql);
          }
          case "toString":
            return "FakeStatement";
          case "hashCode":
            return System.identityHashCode(p);
          case "equals":
            return p == a[0];
          default:
            throw new SQLFeatureNotSupportedException("Statement." + m.getName()
                + " is not supported by the fake database", "0A000");
        }
      });
    }
  }

  private static ResultSet resultSet(List<String[]> rows, String sql) {
    Map<String, Integer> columns = new LinkedHashMap<>();
    String select = sql.strip().replaceAll("\\s+", " ");
    int from = select.toLowerCase(Locale.ROOT).indexOf(" from ");
    if (from > 7) {
      String[] names = select.substring(7, from).split(",");
      for (int k = 0; k < names.length; k++) {
        String n = names[k].strip();
        columns.put(n.substring(n.indexOf('.') + 1).toLowerCase(Locale.ROOT), k + 1);
      }
    }
    int[] cursor = {-1};
    return (ResultSet) Proxy.newProxyInstance(ResultSet.class.getClassLoader(), new Class<?>[] {ResultSet.class},
        (p, m, a) -> {
          switch (m.getName()) {
            case "next":
              cursor[0]++;
              return cursor[0] < rows.size();
            case "getString": {
              int column = a[0] instanceof Integer c ? c
                  : columns.getOrDefault(((String) a[0]).toLowerCase(Locale.ROOT), -1);
              if (cursor[0] < 0 || cursor[0] >= rows.size() || column < 1 || column > rows.get(cursor[0]).length) {
                throw new SQLException("no such column or row", "22023");
              }
              return rows.get(cursor[0])[column - 1];
            }
            case "wasNull":
              return false;
            case "close":
              return null;
            case "toString":
              return "FakeResultSet";
            case "hashCode":
              return System.identityHashCode(p);
            case "equals":
              return p == a[0];
            default:
              throw new SQLFeatureNotSupportedException("ResultSet." + m.getName()
                  + " is not supported by the fake database", "0A000");
          }
        });
  }

  @Override
  public String toString() {
    return "FakeDatabases";
  }
}
