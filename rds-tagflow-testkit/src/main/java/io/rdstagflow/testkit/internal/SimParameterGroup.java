package io.rdstagflow.testkit.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One DB parameter group: a name, a family, and the parameters a ModifyDBParameterGroup set (the
 * family's others keep their defaults, from {@link ParameterCatalog}).
 */
final class SimParameterGroup {

  /** A parameter set by ModifyDBParameterGroup: its value and how it was to be applied. */
  record SetParameter(String value, String applyMethod) {}

  final String name;
  final String family;
  final String description;
  final String arn;
  final Map<String, String> tags = new LinkedHashMap<>();
  /** The parameters set in the group ({@code Source} {@code user}), by name. */
  final Map<String, SetParameter> parameters = new TreeMap<>();

  SimParameterGroup(String name, String family, String description, String arn) {
    this.name = name;
    this.family = family;
    this.description = description;
    this.arn = arn;
  }

  boolean isDefault() {
    return name.startsWith("default.");
  }
}
