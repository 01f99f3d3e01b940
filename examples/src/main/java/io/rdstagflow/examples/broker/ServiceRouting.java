package io.rdstagflow.examples.broker;

import java.util.Objects;
import org.springframework.cloud.servicebroker.model.instance.CreateServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.CreateServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.DeleteServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.DeleteServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationRequest;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.cloud.servicebroker.model.instance.GetServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.GetServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.UpdateServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.UpdateServiceInstanceResponse;
import org.springframework.cloud.servicebroker.service.ServiceInstanceService;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The broker's one set of OSB instance handlers, as Spring Cloud Open Service Broker calls them:
 * each request goes to the service its {@code service_id} names, {@link RdsServiceInstanceService}
 * (RDS PostgreSQL instances) or {@link AuroraServiceInstanceService} (Aurora clusters). A
 * {@code last_operation} without a {@code service_id} (OSB makes it optional there) goes by its
 * operation's flow. Both answer by the same rules; this class adds nothing but the routing.
 */
@Service
@Primary
public class ServiceRouting implements ServiceInstanceService {

  private final RdsServiceInstanceService instances;
  private final AuroraServiceInstanceService clusters;

  /** Routes between the two services. */
  public ServiceRouting(RdsServiceInstanceService instances, AuroraServiceInstanceService clusters) {
    this.instances = Objects.requireNonNull(instances, "instances");
    this.clusters = Objects.requireNonNull(clusters, "clusters");
  }

  @Override
  public Mono<CreateServiceInstanceResponse> createServiceInstance(CreateServiceInstanceRequest request) {
    return AuroraClusters.isAurora(request.getServiceDefinitionId()) ? clusters.createServiceInstance(request)
        : instances.createServiceInstance(request);
  }

  @Override
  public Mono<GetServiceInstanceResponse> getServiceInstance(GetServiceInstanceRequest request) {
    return instances.getServiceInstance(request);
  }

  @Override
  public Mono<GetLastServiceOperationResponse> getLastOperation(GetLastServiceOperationRequest request) {
    return clusters.answers(request) ? clusters.getLastOperation(request) : instances.getLastOperation(request);
  }

  @Override
  public Mono<DeleteServiceInstanceResponse> deleteServiceInstance(DeleteServiceInstanceRequest request) {
    return AuroraClusters.isAurora(request.getServiceDefinitionId()) ? clusters.deleteServiceInstance(request)
        : instances.deleteServiceInstance(request);
  }

  @Override
  public Mono<UpdateServiceInstanceResponse> updateServiceInstance(UpdateServiceInstanceRequest request) {
    return AuroraClusters.isAurora(request.getServiceDefinitionId()) ? clusters.updateServiceInstance(request)
        : instances.updateServiceInstance(request);
  }
}
