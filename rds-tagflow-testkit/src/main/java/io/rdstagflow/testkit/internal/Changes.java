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

  boolean isEmpty() {
    return values.isEmpty() && !masterPassword;
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
  }

  void applyTo(SimInstance i) {
    i.settings.putAll(values);
  }
}
