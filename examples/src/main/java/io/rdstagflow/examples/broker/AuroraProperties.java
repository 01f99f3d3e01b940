package io.rdstagflow.examples.broker;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Aurora service's settings, under {@code rdstagflow.aurora.*}.
 *
 * @param clusterParameterGroup the DB cluster parameter group every cluster gets (family
 *                              {@code aurora-postgresql16}; it must exist on AWS, the fake backend
 *                              creates it); default {@value #DEFAULT_CLUSTER_PARAMETER_GROUP}
 */
@ConfigurationProperties("rdstagflow.aurora")
public record AuroraProperties(String clusterParameterGroup) {

  /** The cluster parameter group when none is set. */
  public static final String DEFAULT_CLUSTER_PARAMETER_GROUP = "rdstagflow-example-aurora-postgresql16";

  /** Defaults for what is not set. */
  public AuroraProperties {
    clusterParameterGroup = clusterParameterGroup == null || clusterParameterGroup.isBlank()
        ? DEFAULT_CLUSTER_PARAMETER_GROUP : clusterParameterGroup;
  }
}
