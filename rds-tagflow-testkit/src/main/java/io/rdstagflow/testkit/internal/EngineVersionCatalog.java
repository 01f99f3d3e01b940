package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The engine versions the fake offers: for each engine, each version's parameter group family and
 * valid upgrade targets (what DescribeDBEngineVersions answers), and which instance classes a
 * version can run on (what DescribeOrderableDBInstanceOptions answers). Mutable, guarded by the
 * simulation's lock.
 *
 * <p>The default catalog is a small, plausible picture of RDS for PostgreSQL and MySQL in which an
 * older minor upgrades only to the next major, so PostgreSQL 13.15 reaches 17.2 in four hops
 * (13.15, 14.12, 15.7, 16.3, 17.2) and MySQL 5.7.44 reaches 8.4.3 in two. Versions other tests of
 * the kit use (15.4, 16.3, 16.4, 17.1, MySQL 8.0.39, MariaDB 10.11.9) are in it.
 */
final class EngineVersionCatalog {

  /** One offered version. */
  record Version(String engine, String version, String family, List<String> targets) {
    Version {
      targets = List.copyOf(targets);
    }
  }

  /**
   * Previous-generation classes: offered for PostgreSQL up to 13 and MySQL 5.7 only (RDS dropped
   * them for newer majors), so an upgrade of an instance on one of them is refused past that.
   */
  private static final Pattern PREVIOUS_GENERATION = Pattern.compile("db\\.(t2|m4|r4)\\..*");

  /** The classes a describe without a class filter lists for every version. */
  static final List<String> CLASSES = List.of("db.m5.large", "db.m5.xlarge", "db.m6g.large", "db.m7g.large",
      "db.r5.large", "db.r6g.large", "db.t3.large", "db.t3.medium", "db.t3.micro", "db.t3.small",
      "db.t4g.medium", "db.t4g.micro", "db.t4g.small");

  private static final List<String> OLD_CLASSES = List.of("db.m4.large", "db.r4.large", "db.t2.micro",
      "db.t2.small");

  private static final Pattern CLASS = Pattern.compile("db\\.[a-z0-9]+\\.[a-z0-9]+");

  /** engine, then version: the versions offered. */
  private final Map<String, Map<String, Version>> versions = new TreeMap<>();

  /** The default catalog described above. */
  static EngineVersionCatalog defaults() {
    EngineVersionCatalog c = new EngineVersionCatalog();
    c.offer("postgres", "12.22", "postgres12", List.of("13.15"));
    c.offer("postgres", "13.15", "postgres13", List.of("13.16", "14.12"));
    c.offer("postgres", "13.16", "postgres13", List.of("14.13"));
    c.offer("postgres", "14.12", "postgres14", List.of("14.13", "15.7"));
    c.offer("postgres", "14.13", "postgres14", List.of("15.8"));
    c.offer("postgres", "15.4", "postgres15", List.of("15.7", "16.3"));
    c.offer("postgres", "15.7", "postgres15", List.of("15.8", "16.3"));
    c.offer("postgres", "15.8", "postgres15", List.of("16.4"));
    c.offer("postgres", "16.3", "postgres16", List.of("16.4", "17.1", "17.2"));
    c.offer("postgres", "16.4", "postgres16", List.of("17.2"));
    c.offer("postgres", "17.1", "postgres17", List.of("17.2"));
    c.offer("postgres", "17.2", "postgres17", List.of());
    c.offer("mysql", "5.7.44", "mysql5.7", List.of("8.0.36", "8.0.39"));
    c.offer("mysql", "8.0.36", "mysql8.0", List.of("8.0.39", "8.4.3"));
    c.offer("mysql", "8.0.39", "mysql8.0", List.of("8.4.3"));
    c.offer("mysql", "8.4.3", "mysql8.4", List.of());
    c.offer("mariadb", "10.6.19", "mariadb10.6", List.of("10.11.9"));
    c.offer("mariadb", "10.11.9", "mariadb10.11", List.of());
    return c;
  }

  /** Adds a version, or replaces its family and targets. */
  void offer(String engine, String version, String family, List<String> targets) {
    versions.computeIfAbsent(engine.toLowerCase(Locale.ROOT), e -> new LinkedHashMap<>())
        .put(version, new Version(engine.toLowerCase(Locale.ROOT), version, family, targets));
  }

  /** Removes a version and every upgrade target naming it. */
  void withdraw(String engine, String version) {
    Map<String, Version> of = versions.get(engine.toLowerCase(Locale.ROOT));
    if (of == null) {
      return;
    }
    of.remove(version);
    for (Map.Entry<String, Version> e : List.copyOf(of.entrySet())) {
      Version v = e.getValue();
      if (v.targets().contains(version)) {
        List<String> kept = new ArrayList<>(v.targets());
        kept.remove(version);
        of.put(e.getKey(), new Version(v.engine(), v.version(), v.family(), kept));
      }
    }
  }

  /** {@code true} if the catalog has versions of this engine (others are not checked). */
  boolean knows(String engine) {
    return versions.containsKey(engine);
  }

  /** The version, or {@code null} if it is not offered. */
  Version find(String engine, String version) {
    Map<String, Version> of = versions.get(engine);
    return of == null || version == null ? null : of.get(version);
  }

  /** Every version of an engine (of every engine for {@code null}), in version order. */
  List<Version> all(String engine) {
    List<Version> all = new ArrayList<>();
    versions.forEach((e, of) -> {
      if (engine == null || engine.equals(e)) {
        all.addAll(of.values());
      }
    });
    all.sort(Comparator.comparing(Version::engine).thenComparing(v -> sortKey(v.version())));
    return all;
  }

  /** Every family the catalog has versions of. */
  Set<String> families() {
    Set<String> families = new java.util.TreeSet<>();
    versions.values().forEach(of -> of.values().forEach(v -> families.add(v.family())));
    return families;
  }

  /** The highest version of a family, for a default group's description; {@code null} if none. */
  Version anyOfFamily(String family) {
    for (Version v : all(null)) {
      if (v.family().equals(family)) {
        return v;
      }
    }
    return null;
  }

  /**
   * Whether {@code engine} {@code version} can run on {@code instanceClass}: any well-formed class,
   * except the previous generation ({@code db.t2}, {@code db.m4}, {@code db.r4}) past PostgreSQL 13
   * and MySQL 5.7.
   */
  boolean orderable(String engine, String version, String instanceClass) {
    if (instanceClass == null || !CLASS.matcher(instanceClass).matches()) {
      return false;
    }
    if (!PREVIOUS_GENERATION.matcher(instanceClass).matches()) {
      return true;
    }
    return oldClassesOffered(engine, version);
  }

  /** The classes a describe without a class filter lists for a version. */
  List<String> classes(String engine, String version) {
    if (!oldClassesOffered(engine, version)) {
      return CLASSES;
    }
    List<String> all = new ArrayList<>(OLD_CLASSES);
    all.addAll(CLASSES);
    all.sort(null);
    return all;
  }

  private static boolean oldClassesOffered(String engine, String version) {
    String major = EngineDefaults.majorVersion(engine, version);
    return switch (engine) {
      case "postgres" -> compare(major, "13") <= 0;
      case "mysql" -> compare(major, "5.7") <= 0;
      default -> true;
    };
  }

  /** Compares dotted versions by their numbers ({@code 13.9 < 13.15}); a non-number compares as text. */
  static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      int c;
      try {
        c = Long.compare(Long.parseLong(p), Long.parseLong(q));
      } catch (NumberFormatException e) {
        c = p.compareTo(q);
      }
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** A key whose text order is the version order, for paging. */
  static String sortKey(String version) {
    StringBuilder b = new StringBuilder();
    for (String part : version.split("\\.")) {
      b.append(part.matches("\\d{1,9}") ? String.format(Locale.ROOT, "%09d", Long.parseLong(part)) : part)
          .append('.');
    }
    return b.toString();
  }
}
