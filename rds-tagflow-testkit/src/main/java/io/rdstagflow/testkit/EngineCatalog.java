package io.rdstagflow.testkit;

import java.util.List;
import java.util.Optional;

/**
 * The engine versions a {@link FakeRds} offers, as DescribeDBEngineVersions and
 * DescribeOrderableDBInstanceOptions answer them and as ModifyDBInstance checks an upgrade against
 * them. Obtained from {@link FakeRds#engineVersions()}.
 *
 * <p>The default catalog covers PostgreSQL, MySQL and MariaDB with paths where the target is not
 * offered directly: PostgreSQL 13.15 reaches 17.2 only through 14.12, 15.7 and 16.3, MySQL 5.7.44
 * reaches 8.4.3 through 8.0. Previous-generation classes ({@code db.t2}, {@code db.m4},
 * {@code db.r4}) are orderable up to PostgreSQL 13 and MySQL 5.7 only. {@code docs/fidelity.md}
 * lists the whole catalog. A test changes it with {@link #offer} and {@link #withdraw}; versions of
 * an engine the catalog does not know are not checked.
 *
 * <p>Thread-safe: every method takes the fake's lock.
 */
public interface EngineCatalog {

  /**
   * Offers {@code engine} {@code version} with its parameter group family and the versions it can
   * be upgraded to directly, replacing what the catalog said of it.
   *
   * @param family         the DBParameterGroupFamily, e.g. {@code postgres14}
   * @param upgradeTargets its ValidUpgradeTarget versions, each also offered (or to be offered)
   */
  EngineCatalog offer(String engine, String version, String family, List<String> upgradeTargets);

  /** Stops offering a version, and removes it from every other version's upgrade targets. */
  EngineCatalog withdraw(String engine, String version);

  /** The versions of an engine, in version order; empty for an engine the catalog does not know. */
  List<String> versions(String engine);

  /** The version's parameter group family, if it is offered. */
  Optional<String> family(String engine, String version);

  /** The version's valid upgrade targets; empty if it is not offered. */
  List<String> upgradeTargets(String engine, String version);
}
