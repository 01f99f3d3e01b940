package io.rdstagflow.testkit.internal;

import io.rdstagflow.testkit.UnsupportedByFakeRdsException;
import java.util.Locale;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * A ModifyDBInstance that changes the engine version, checked as RDS checks it before accepting it:
 * the version must be one of the current version's valid upgrade targets in the catalog (so no
 * downgrade and no jump RDS does not offer), a major upgrade needs {@code AllowMajorVersionUpgrade}
 * and, from a custom parameter group, a group of the target's family named in the request (a
 * default group moves to the target family's default), any group named must be of the target's
 * family, and the instance class must be orderable for the target. Versions of an engine the
 * catalog does not know, or a current version it does not offer, are not checked.
 */
final class Upgrades {

  /**
   * What an accepted upgrade will do.
   *
   * @param to          the target version
   * @param major       whether the family changes
   * @param group       the parameter group the instance gets, {@code null} to keep its own
   * @param optionGroup the option group the instance gets, {@code null} to keep what the request says
   */
  record Plan(String to, boolean major, String group, String optionGroup) {}

  private final Store store;
  private final ParameterGroups parameterGroups;

  Upgrades(Store store, ParameterGroups parameterGroups) {
    this.store = store;
    this.parameterGroups = parameterGroups;
  }

  /** The checked upgrade, or {@code null} when the request does not change the engine version. */
  Plan check(SimInstance i, ModifyDbInstanceRequest r, boolean immediately, String rid) {
    String from = i.string(Setting.ENGINE_VERSION);
    String to = r.engineVersion();
    if (to == null || to.equals(from)) {
      return null;
    }
    String engine = i.engine;
    EngineVersionCatalog catalog = store.engineVersions;
    EngineVersionCatalog.Version current = catalog.find(engine, from);
    boolean major = !EngineDefaults.majorVersion(engine, from).equals(EngineDefaults.majorVersion(engine, to));
    if (current != null) {
      EngineVersionCatalog.Version target = catalog.find(engine, to);
      RdsErrors.combinationIf(target == null || !current.targets().contains(to)
          ? "Cannot upgrade " + engine + " from " + from + " to " + to : null, rid);
      major = !target.family().equals(current.family());
    }
    RdsErrors.combinationIf(major && !Boolean.TRUE.equals(r.allowMajorVersionUpgrade())
        ? "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version." : null, rid);
    String group = null;
    if (r.dbParameterGroupName() != null) {
      group = parameterGroups.groupFor(r.dbParameterGroupName(), engine, to, rid);
    } else if (major) {
      RdsErrors.combinationIf(!i.parameterGroup.startsWith("default.")
          ? "The current DB instance parameter group " + i.parameterGroup + " is custom. You must explicitly"
              + " specify a new DB instance parameter group, either default or custom, for the engine version"
              + " upgrade." : null, rid);
      group = parameterGroups.groupFor(null, engine, to, rid);
    }
    String instanceClass = r.dbInstanceClass() != null ? r.dbInstanceClass() : i.string(Setting.INSTANCE_CLASS);
    if (catalog.knows(engine) && current != null) {
      RdsErrors.combinationIf(!catalog.orderable(engine, to, instanceClass.toLowerCase(Locale.ROOT))
          ? "RDS does not support creating a DB instance with the following combination: DBInstanceClass="
              + instanceClass + ", Engine=" + engine + ", EngineVersion=" + to + ", LicenseModel="
              + EngineVersions.licenseModel(engine) + ". For supported combinations of instance class and"
              + " database engine version, see the documentation." : null, rid);
    }
    if (!immediately && group != null && !group.equals(i.parameterGroup)) {
      throw new UnsupportedByFakeRdsException("ModifyDBInstance", "ApplyImmediately",
          "ModifyDBInstance with a new EngineVersion and DBParameterGroupName but without ApplyImmediately: the fake"
              + " RDS does not simulate an upgrade deferred to the maintenance window together with a new"
              + " parameter group; send ApplyImmediately true");
    }
    String optionGroup = null;
    String currentOptions = i.string(Setting.OPTION_GROUP);
    if (major && r.optionGroupName() == null && currentOptions != null && currentOptions.startsWith("default:")) {
      optionGroup = EngineDefaults.optionGroup(engine, to);
    }
    return new Plan(to, major, group, optionGroup);
  }
}
