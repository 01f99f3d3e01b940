package io.rdstagflow.testkit.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.model.CloudwatchLogsExportConfiguration;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * ModifyDBInstance: which changes wait for the maintenance window, which are applied while the
 * instance is {@code modifying}, which at once, as each {@link Setting}'s timing says.
 */
final class Modification {

  private final Instances instances;
  private final ParameterGroups parameterGroups;
  private final Arns arns;
  private final Upgrades upgrades;

  Modification(Instances instances, ParameterGroups parameterGroups, Arns arns, Upgrades upgrades) {
    this.instances = instances;
    this.parameterGroups = parameterGroups;
    this.arns = arns;
    this.upgrades = upgrades;
  }

  DBInstance modify(ModifyDbInstanceRequest r, Instant now, String rid) {
    SimInstance i = instances.existing(r.dbInstanceIdentifier(), rid);
    instances.requireAvailable(i, now, rid);
    boolean immediately = Boolean.TRUE.equals(r.applyImmediately());
    if (r.masterUserPassword() != null) {
      RdsErrors.invalidIf(RdsRules.passwordViolation(r.masterUserPassword()), rid);
    }
    Upgrades.Plan upgrade = upgrades.check(i, r, immediately, rid);
    String newGroup = null;
    if (upgrade != null) {
      newGroup = upgrade.group() != null && !upgrade.group().equals(i.parameterGroup) ? upgrade.group() : null;
    } else if (r.dbParameterGroupName() != null) {
      String g = r.dbParameterGroupName().toLowerCase(Locale.ROOT);
      if (!g.equals(i.parameterGroup)) {
        newGroup = parameterGroups.groupFor(g, i.engine, i.string(Setting.ENGINE_VERSION), rid);
      }
    }
    Changes during = new Changes();
    Changes later = new Changes();
    Map<Setting, Object> atOnce = new EnumMap<>(Setting.class);
    Map<Setting, Object> after = new EnumMap<>(i.settings);
    after.putAll(i.deferred.values);
    for (Setting s : Setting.values()) {
      Optional<Object> requested = s == Setting.LOG_EXPORTS
          ? logExportsAfter(i, r) : InstanceSpec.field(r, s.modifyMember());
      if (requested.isEmpty() || Objects.equals(requested.get(), i.get(s))) {
        continue;
      }
      Object value = requested.get() instanceof List<?> l ? List.copyOf(l) : requested.get();
      after.put(s, value);
      switch (timing(s, i, value)) {
        case DEFERRABLE -> (immediately ? during : later).put(s, value);
        case WITH_MODIFYING -> during.put(s, value);
        case AT_ONCE -> atOnce.put(s, value);
      }
    }
    if (upgrade != null && upgrade.optionGroup() != null && immediately) {
      // A default option group moves to the new major version's default with the upgrade.
      after.put(Setting.OPTION_GROUP, upgrade.optionGroup());
      during.put(Setting.OPTION_GROUP, upgrade.optionGroup());
    }
    Map<Setting, Object> filled = SettingRules.completion(after, arns);
    after.putAll(filled);
    filled.forEach(during::put);
    SettingRules.check(after, i.engine, rid);
    if (upgrade == null) {
      checkMajorVersion(i, r, rid);
    }
    instances.managedPasswords().modify(i, r.manageMasterUserPassword(), r.masterUserPassword(),
        r.masterUserSecretKmsKeyId(), during, rid);

    instances.beforeWrite(i, now);
    i.settings.putAll(atOnce);
    later.absorb(i.deferred);
    if (immediately) {
      // RDS applies modifications already queued for the window along with an immediate one.
      during.absorb(later);
      later = new Changes();
    }
    i.deferred = later;
    if (upgrade != null && immediately) {
      upgrade(i, r, during, newGroup, now);
      return instances.render(i, now);
    }
    List<Activity.Phase> phases = new ArrayList<>();
    if (!during.isEmpty() || newGroup != null) {
      phases.add(new Activity.Phase("modifying", instances.timings().modifying()));
    }
    if (r.masterUserPassword() != null) {
      during.masterPassword = true;
      phases.add(new Activity.Phase("resetting-master-credentials",
          instances.timings().resettingMasterCredentials()));
    }
    if (!phases.isEmpty()) {
      instances.begin(i, new Activity(Activity.Kind.MODIFY, now, phases, during, newGroup,
          instances.timings().applyingParameterGroup()), now);
    }
    return instances.render(i, now);
  }

  /**
   * An engine version upgrade applied immediately: {@code upgrading} for the upgrade time (then
   * {@code resetting-master-credentials} with a new password), the new parameter group in sync at
   * the end; or what a queued fault makes of it.
   */
  private void upgrade(SimInstance i, ModifyDbInstanceRequest r, Changes during, String newGroup, Instant now) {
    UpgradeFault fault = i.upgradeFaults.poll();
    if (fault == UpgradeFault.IGNORED) {
      return; // accepted, and nothing happens: the silent no-op
    }
    List<Activity.Phase> phases = new ArrayList<>();
    phases.add(new Activity.Phase("upgrading", instances.timings().upgrading()));
    if (r.masterUserPassword() != null) {
      during.masterPassword = true;
      phases.add(new Activity.Phase("resetting-master-credentials",
          instances.timings().resettingMasterCredentials()));
    }
    Activity a;
    if (fault == UpgradeFault.PRE_CHECK_FAILS) {
      // The pre-upgrade checks fail: the instance upgrades nothing and keeps its version and group.
      a = new Activity(Activity.Kind.UPGRADE, now, phases, new Changes(), null, java.time.Duration.ZERO);
    } else {
      java.time.Duration total = phases.stream().map(Activity.Phase::duration)
          .reduce(java.time.Duration.ZERO, java.time.Duration::plus);
      a = new Activity(Activity.Kind.UPGRADE, now, phases, during, newGroup, total);
      a.leavesPendingReboot = fault == UpgradeFault.LEAVES_PENDING_REBOOT;
    }
    instances.begin(i, a, now);
  }

  /** The log types exported after {@code CloudwatchLogsExportConfiguration}, if the request has one. */
  private static Optional<Object> logExportsAfter(SimInstance i, ModifyDbInstanceRequest r) {
    CloudwatchLogsExportConfiguration c = r.cloudwatchLogsExportConfiguration();
    if (c == null) {
      return Optional.empty();
    }
    Set<String> types = new LinkedHashSet<>();
    Object current = i.get(Setting.LOG_EXPORTS);
    if (current != null) {
      ((List<?>) current).forEach(t -> types.add((String) t));
    }
    if (c.hasDisableLogTypes()) {
      c.disableLogTypes().forEach(types::remove);
    }
    if (c.hasEnableLogTypes()) {
      types.addAll(c.enableLogTypes());
    }
    List<String> after = List.copyOf(types);
    // Nothing exported before or after: no change.
    return current == null && after.isEmpty() ? Optional.empty() : Optional.of(after);
  }

  /** Backup retention waits only when it turns backups on or off (ModifyDBInstance reference). */
  private static Setting.Timing timing(Setting s, SimInstance i, Object value) {
    if (s == Setting.BACKUP_RETENTION && (i.integer(s) == 0) == ((Integer) value == 0)) {
      return Setting.Timing.WITH_MODIFYING;
    }
    return s.timing();
  }

  /** A new major version needs {@code AllowMajorVersionUpgrade} (API reference). */
  private static void checkMajorVersion(SimInstance i, ModifyDbInstanceRequest r, String rid) {
    String to = r.engineVersion();
    if (to == null || Boolean.TRUE.equals(r.allowMajorVersionUpgrade())) {
      return;
    }
    String from = i.string(Setting.ENGINE_VERSION);
    RdsErrors.combinationIf(!EngineDefaults.majorVersion(i.engine, from)
        .equals(EngineDefaults.majorVersion(i.engine, to))
        ? "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major "
            + "version." : null, rid);
  }
}
