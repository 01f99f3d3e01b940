package io.rdstagflow.testkit.internal;

import java.util.EnumMap;
import java.util.Map;

/**
 * Settings changes waiting to be applied to an instance: those of a modify under way, or those
 * deferred to the maintenance window. A new master password is only a flag: the fake never keeps
 * a password.
 */
final class Changes {
  final Map<Setting, Object> values = new EnumMap<>(Setting.class);
  boolean masterPassword;
  /** {@code true} if the master password's management changes, to {@link #secret}. */
  boolean secretChanged;
  /** The managed secret after the change; {@code null} when management is turned off. */
  SimInstance.ManagedSecret secret;

  boolean isEmpty() {
    return values.isEmpty() && !masterPassword && !secretChanged;
  }

  void changeSecret(SimInstance.ManagedSecret to) {
    secretChanged = true;
    secret = to;
  }

  boolean changes(Setting s) {
    return values.containsKey(s);
  }

  Object get(Setting s) {
    return values.get(s);
  }

  void put(Setting s, Object value) {
    values.put(s, value);
  }

  /** Moves {@code other}'s changes into this one; this one's win where both change a setting. */
  void absorb(Changes other) {
    other.values.forEach(values::putIfAbsent);
    masterPassword |= other.masterPassword;
    if (!secretChanged && other.secretChanged) {
      changeSecret(other.secret);
    }
  }

  void applyTo(SimInstance i) {
    i.settings.putAll(values);
    if (secretChanged) {
      i.secret = secret;
    }
  }
}
