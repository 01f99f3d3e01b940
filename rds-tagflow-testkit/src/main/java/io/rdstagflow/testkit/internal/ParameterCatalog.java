package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters the fake knows per parameter group family: a handful per engine, enough to carry
 * custom parameters across a major upgrade and to show what RDS does with a parameter the new
 * family no longer has ({@code vacuum_cleanup_index_scale_factor} left PostgreSQL 14,
 * {@code query_cache_size} and {@code query_cache_type} left MySQL 8.0).
 */
final class ParameterCatalog {

  /** One parameter of a family, as DescribeDBParameters shows it. */
  record Known(String name, String defaultValue, String applyType, String dataType, boolean modifiable,
      String description) {}

  private ParameterCatalog() {}

  /** The parameters of a family, by name order; empty for a family of an engine the fake does not know. */
  static List<Known> of(String family) {
    List<Known> all = new ArrayList<>();
    if (family.startsWith("postgres")) {
      int major = majorOf(family, "postgres");
      all.add(new Known("autovacuum_naptime", "15", "dynamic", "integer", true,
          "Time to sleep between autovacuum runs."));
      all.add(new Known("log_min_duration_statement", "-1", "dynamic", "integer", true,
          "Sets the minimum execution time above which statements will be logged."));
      all.add(new Known("max_connections", "LEAST({DBInstanceClassMemory/9531392},5000)", "static", "integer",
          true, "Sets the maximum number of concurrent connections."));
      all.add(new Known("rds.force_ssl", major >= 15 ? "1" : "0", "dynamic", "boolean", true,
          "Force SSL connections."));
      all.add(new Known("shared_preload_libraries", "pg_stat_statements", "static", "list", true,
          "Lists shared libraries to preload into server."));
      all.add(new Known("statement_timeout", "0", "dynamic", "integer", true,
          "Sets the maximum allowed duration of any statement."));
      if (major <= 13) {
        all.add(new Known("vacuum_cleanup_index_scale_factor", "0.1", "dynamic", "float", true,
            "Number of tuple inserts prior to index cleanup as a fraction of reltuples."));
      }
      all.add(new Known("work_mem", "4096", "dynamic", "integer", true,
          "Sets the maximum memory to be used for query workspaces."));
    } else if (family.startsWith("mysql") || family.startsWith("mariadb")) {
      boolean old = family.equals("mysql5.7");
      all.add(new Known("innodb_log_file_size", "134217728", "static", "integer", true,
          "Size of each log file in a log group."));
      all.add(new Known("long_query_time", "10", "dynamic", "float", true,
          "Defines what MySQL considers long queries."));
      all.add(new Known("max_connections", "{DBInstanceClassMemory/12582880}", "dynamic", "integer", true,
          "The number of simultaneous client connections allowed."));
      if (old || family.startsWith("mariadb")) {
        all.add(new Known("query_cache_size", "0", "dynamic", "integer", true,
            "The memory allocated to store results from old queries."));
        all.add(new Known("query_cache_type", "0", "static", "string", true, "Query cache type to use."));
      }
      all.add(new Known("slow_query_log", "0", "dynamic", "boolean", true, "Enable or disable the slow query log."));
      all.add(new Known("sql_mode", "", "dynamic", "string", true, "Current SQL server mode."));
    }
    all.sort((a, b) -> a.name().compareTo(b.name()));
    return all;
  }

  /** The parameter of a family with this name, or {@code null}. */
  static Known find(String family, String name) {
    for (Known k : of(family)) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  private static int majorOf(String family, String engine) {
    try {
      return Integer.parseInt(family.substring(engine.length()).split("\\.")[0]);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return 0;
    }
  }
}
