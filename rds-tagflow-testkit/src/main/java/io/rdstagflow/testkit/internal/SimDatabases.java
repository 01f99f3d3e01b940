package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.FakeDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one instance's databases hold in the fake's model: extensions and their versions per
 * database, and the work done on them. Guarded by the simulation's lock.
 */
final class SimDatabases {

  /** database, then extension, then installed version. */
  final Map<String, Map<String, String>> extensions = new TreeMap<>();
  final List<FakeDatabases.Work> work = new ArrayList<>();

  /** The databases the instance has: {@code postgres}, its {@code DBName}, and those given extensions. */
  List<String> names(String dbName) {
    TreeMap<String, Boolean> all = new TreeMap<>();
    all.put("postgres", true);
    if (dbName != null) {
      all.put(dbName, true);
    }
    extensions.keySet().forEach(d -> all.put(d, true));
    return new ArrayList<>(all.keySet());
  }

  /**
   * The version an engine version ships as an extension's default; {@code installed} for an
   * extension the model does not know.
   */
  static String defaultVersion(String extension, String engineVersion, String installed) {
    int major;
    try {
      major = Integer.parseInt(engineVersion.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return installed;
    }
    return switch (extension) {
      case "hstore" -> major <= 13 ? "1.7" : "1.8";
      case "pg_trgm" -> major <= 13 ? "1.5" : "1.6";
      case "postgis" -> major <= 15 ? "3.4.2" : major == 16 ? "3.4.3" : "3.5.0";
      case "plpgsql" -> "1.0";
      default -> installed;
    };
  }
}
