package io.rdstagflow.testkit.internal;

import java.util.List;

/**
 * Settings changes waiting to be applied to an instance: those of a modify under way, or those
 * deferred to the maintenance window. A new master password is only a flag: the fake never keeps
 * a password.
 */
final class Changes {
  String instanceClass;
  Integer allocatedStorage;
  Boolean multiAz;
  String engineVersion;
  Integer backupRetention;
  List<String> vpcSecurityGroups;
  boolean masterPassword;

  boolean isEmpty() {
    return instanceClass == null && allocatedStorage == null && multiAz == null
        && engineVersion == null && backupRetention == null && vpcSecurityGroups == null
        && !masterPassword;
  }

  /** Moves {@code other}'s changes into this one; this one's win where both change a field. */
  void absorb(Changes other) {
    if (instanceClass == null) {
      instanceClass = other.instanceClass;
    }
    if (allocatedStorage == null) {
      allocatedStorage = other.allocatedStorage;
    }
    if (multiAz == null) {
      multiAz = other.multiAz;
    }
    if (engineVersion == null) {
      engineVersion = other.engineVersion;
    }
    if (backupRetention == null) {
      backupRetention = other.backupRetention;
    }
    if (vpcSecurityGroups == null) {
      vpcSecurityGroups = other.vpcSecurityGroups;
    }
    masterPassword |= other.masterPassword;
  }

  void applyTo(SimInstance i) {
    if (instanceClass != null) {
      i.instanceClass = instanceClass;
    }
    if (allocatedStorage != null) {
      i.allocatedStorage = allocatedStorage;
    }
    if (multiAz != null) {
      i.multiAz = multiAz;
    }
    if (engineVersion != null) {
      i.engineVersion = engineVersion;
    }
    if (backupRetention != null) {
      i.backupRetention = backupRetention;
    }
    if (vpcSecurityGroups != null) {
      i.vpcSecurityGroups = vpcSecurityGroups;
    }
  }
}
