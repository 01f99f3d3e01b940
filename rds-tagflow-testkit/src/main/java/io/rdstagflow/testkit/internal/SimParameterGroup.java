package io.rdstagflow.testkit.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** One DB parameter group: a name and a family; the fake simulates no parameters. */
final class SimParameterGroup {
  final String name;
  final String family;
  final String description;
  final String arn;
  final Map<String, String> tags = new LinkedHashMap<>();

  SimParameterGroup(String name, String family, String description, String arn) {
    this.name = name;
    this.family = family;
    this.description = description;
    this.arn = arn;
  }
}
