package io.rdstagflow.aws.upgrade;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An engine upgrade found possible for one instance: the path of hops, the flow parameters that
 * carry it, and what could not be checked (an empty DescribeOrderableDBInstanceOptions answer, as
 * moto gives, means "unknown", not "unsupported").
 *
 * <p>Immutable.
 *
 * @param instanceId the instance
 * @param engine     its engine, e.g. {@code postgres}
 * @param path       the versions it passes through
 * @param unchecked  what could not be checked, for a log line or an operator; empty when all was
 */
public record UpgradePlan(String instanceId, String engine, UpgradePath path, List<String> unchecked) {

  /** @throws NullPointerException if an argument is {@code null} */
  public UpgradePlan {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(path, "path");
    unchecked = List.copyOf(unchecked);
  }

  /** The flow parameters the upgrade begins with: the path, under {@value EngineUpgradeStep#PATH_PARAMETER}. */
  public Map<String, String> parameters() {
    return Map.of(EngineUpgradeStep.PATH_PARAMETER, path.encode());
  }
}
