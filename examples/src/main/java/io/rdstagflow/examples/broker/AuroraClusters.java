package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.ClusterStarter;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.spring.servicebroker.ServiceBrokerLastOperation;
import java.util.Objects;

/**
 * The Aurora side of the broker's wiring: the cluster engine (a {@link TagStateMachine} over the
 * cluster gateway, with {@link AuroraFlows}), its starter and its OSB {@code last_operation}
 * answer. One bean of this type rather than a second {@code TagStateMachine} bean, which would
 * leave the Spring Boot starter's instance engine ambiguous.
 *
 * @param engine        the cluster engine: polls, {@code begin}, inspections of clusters
 * @param starter       cluster restores, creates and deletions
 * @param lastOperation the OSB answer over the cluster engine (observed, as the instance one is)
 */
public record AuroraClusters(TagStateMachine engine, ClusterStarter starter, ServiceBrokerLastOperation lastOperation) {

  /** @throws NullPointerException if an argument is {@code null} */
  public AuroraClusters {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(starter, "starter");
    Objects.requireNonNull(lastOperation, "lastOperation");
  }

  /** Whether a request for this OSB service id is the Aurora service's. */
  public static boolean isAurora(String serviceId) {
    return AuroraCatalog.SERVICE_ID.equals(serviceId);
  }
}
