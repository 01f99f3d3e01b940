package io.rdstagflow.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DescribeDbEngineVersionsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbEngineVersionsResponse;
import software.amazon.awssdk.services.rds.model.DescribeOrderableDbInstanceOptionsRequest;
import software.amazon.awssdk.services.rds.model.DescribeOrderableDbInstanceOptionsResponse;
import software.amazon.awssdk.services.rds.model.OrderableDBInstanceOption;
import software.amazon.awssdk.services.rds.model.UpgradeTarget;

/** DescribeDBEngineVersions and DescribeOrderableDBInstanceOptions, answered from the catalog. */
final class EngineVersions {

  private final EngineVersionCatalog catalog;

  EngineVersions(EngineVersionCatalog catalog) {
    this.catalog = catalog;
  }

  DescribeDbEngineVersionsResponse describe(DescribeDbEngineVersionsRequest r, String rid) {
    int max = Paging.maxRecords(r.maxRecords(), rid);
    String engine = r.engine() == null ? null : r.engine().toLowerCase(Locale.ROOT);
    List<EngineVersionCatalog.Version> selected = new ArrayList<>(catalog.all(engine));
    if (r.engineVersion() != null) {
      selected.removeIf(v -> !v.version().equals(r.engineVersion()));
    }
    if (r.dbParameterGroupFamily() != null) {
      RdsErrors.invalidIf(r.engine() == null
          ? "The parameter Engine must be provided with DBParameterGroupFamily." : null, rid);
      selected.removeIf(v -> !v.family().equals(r.dbParameterGroupFamily()));
    }
    if (Boolean.TRUE.equals(r.defaultOnly())) {
      List<EngineVersionCatalog.Version> defaults = new ArrayList<>();
      for (EngineVersionCatalog.Version v : selected) {
        if (v.version().equals(EngineDefaults.version(v.engine()))) {
          defaults.add(v);
        }
      }
      selected = defaults;
    }
    List<DBEngineVersion> views = selected.stream().map(this::render).toList();
    Paging.Page<DBEngineVersion> page = Paging.page(views,
        d -> d.engine() + ":" + EngineVersionCatalog.sortKey(d.engineVersion()), r.marker() == null ? null
            : r.marker(), max);
    return DescribeDbEngineVersionsResponse.builder().dbEngineVersions(page.items()).marker(page.marker()).build();
  }

  private DBEngineVersion render(EngineVersionCatalog.Version v) {
    List<UpgradeTarget> targets = new ArrayList<>();
    for (String t : v.targets()) {
      EngineVersionCatalog.Version target = catalog.find(v.engine(), t);
      if (target == null) {
        continue;
      }
      targets.add(UpgradeTarget.builder().engine(v.engine()).engineVersion(t)
          .description(description(target))
          .autoUpgrade(false)
          .isMajorVersionUpgrade(!target.family().equals(v.family()))
          .build());
    }
    return DBEngineVersion.builder()
        .engine(v.engine())
        .engineVersion(v.version())
        .dbParameterGroupFamily(v.family())
        .dbEngineDescription(engineDescription(v.engine()))
        .dbEngineVersionDescription(description(v))
        .status("available")
        .validUpgradeTarget(targets)
        .build();
  }

  private static String engineDescription(String engine) {
    return switch (engine) {
      case "postgres" -> "PostgreSQL";
      case "mysql" -> "MySQL Community Edition";
      case "mariadb" -> "MariaDB Community Edition";
      default -> engine;
    };
  }

  private static String description(EngineVersionCatalog.Version v) {
    return engineDescription(v.engine()) + " " + v.version();
  }

  DescribeOrderableDbInstanceOptionsResponse orderable(DescribeOrderableDbInstanceOptionsRequest r, String rid) {
    RdsErrors.require("Engine", r.engine(), rid);
    int max = r.maxRecords() == null ? 100 : r.maxRecords();
    RdsErrors.invalidIf(max < 20 || max > 1000
        ? "Invalid value " + max + " for MaxRecords. Must be between 20 and 1000" : null, rid);
    String engine = r.engine().toLowerCase(Locale.ROOT);
    List<OrderableDBInstanceOption> options = new ArrayList<>();
    if (!Boolean.FALSE.equals(r.vpc())) {
      for (EngineVersionCatalog.Version v : catalog.all(engine)) {
        if (r.engineVersion() != null && !v.version().equals(r.engineVersion())) {
          continue;
        }
        List<String> classes = r.dbInstanceClass() != null ? List.of(r.dbInstanceClass())
            : catalog.classes(engine, v.version());
        for (String c : classes) {
          if (catalog.orderable(engine, v.version(), c)) {
            options.add(option(engine, v.version(), c));
          }
        }
      }
    }
    Paging.Page<OrderableDBInstanceOption> page = Paging.page(options,
        o -> EngineVersionCatalog.sortKey(o.engineVersion()) + " " + o.dbInstanceClass(), r.marker(), max);
    return DescribeOrderableDbInstanceOptionsResponse.builder().orderableDBInstanceOptions(page.items())
        .marker(page.marker()).build();
  }

  private static OrderableDBInstanceOption option(String engine, String version, String instanceClass) {
    return OrderableDBInstanceOption.builder()
        .engine(engine)
        .engineVersion(version)
        .dbInstanceClass(instanceClass)
        .licenseModel(licenseModel(engine))
        .storageType("gp3")
        .vpc(true)
        .multiAZCapable(true)
        .supportsStorageEncryption(true)
        .build();
  }

  /** The licence model RDS names for an open-source engine. */
  static String licenseModel(String engine) {
    return engine.startsWith("postgres") ? "postgresql-license" : "general-public-license";
  }
}
