package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.TagStateMachine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerConcurrencyException;
import org.springframework.cloud.servicebroker.exception.ServiceInstanceDoesNotExistException;
import org.springframework.cloud.servicebroker.model.binding.CreateServiceInstanceAppBindingResponse;
import org.springframework.cloud.servicebroker.model.binding.CreateServiceInstanceBindingRequest;
import org.springframework.cloud.servicebroker.model.binding.CreateServiceInstanceBindingResponse;
import org.springframework.cloud.servicebroker.model.binding.DeleteServiceInstanceBindingRequest;
import org.springframework.cloud.servicebroker.model.binding.DeleteServiceInstanceBindingResponse;
import org.springframework.cloud.servicebroker.service.ServiceInstanceBindingService;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Bind and unbind: a database login user per binding, whose password comes from the
 * {@link PasswordSource} (deterministic, so a repeated bind gives the same credentials and nothing
 * is stored). The password appears in the bind response's credentials, by design, and nowhere else.
 */
@Service
public class RdsServiceInstanceBindingService implements ServiceInstanceBindingService {

  private final TagStateMachine engine;
  private final PasswordSource passwords;
  private final DatabaseUsers users;

  /** The service over this engine, password source and database work. */
  public RdsServiceInstanceBindingService(TagStateMachine engine, PasswordSource passwords, DatabaseUsers users) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.passwords = Objects.requireNonNull(passwords, "passwords");
    this.users = Objects.requireNonNull(users, "users");
  }

  @Override
  public Mono<CreateServiceInstanceBindingResponse> createServiceInstanceBinding(
      CreateServiceInstanceBindingRequest request) {
    return Mono.fromCallable(() -> bind(request)).subscribeOn(Schedulers.boundedElastic());
  }

  private CreateServiceInstanceBindingResponse bind(CreateServiceInstanceBindingRequest request) {
    RdsInstance instance = availableInstance(request.getServiceInstanceId());
    String user = InstanceIds.userName(request.getBindingId());
    String password = passwords.password(instance.id(), user);
    users.createLogin(instance, masterPassword(instance), user, password);

    RdsInstance.Endpoint endpoint = instance.endpoint()
        .orElseThrow(() -> new ServiceBrokerConcurrencyException("instance " + instance.id() + " has no endpoint yet"));
    Map<String, Object> credentials = new LinkedHashMap<>();
    credentials.put("host", endpoint.host());
    credentials.put("port", endpoint.port());
    credentials.put("database", "postgres");
    credentials.put("username", user);
    credentials.put("password", password);
    credentials.put("uri", "postgresql://" + user + ":" + password + "@" + endpoint.host() + ":" + endpoint.port()
        + "/postgres?sslmode=require");
    return CreateServiceInstanceAppBindingResponse.builder().credentials(credentials).build();
  }

  @Override
  public Mono<DeleteServiceInstanceBindingResponse> deleteServiceInstanceBinding(
      DeleteServiceInstanceBindingRequest request) {
    return Mono.fromCallable(() -> unbind(request)).subscribeOn(Schedulers.boundedElastic());
  }

  private DeleteServiceInstanceBindingResponse unbind(DeleteServiceInstanceBindingRequest request) {
    RdsInstance instance = availableInstance(request.getServiceInstanceId());
    users.lockLogin(instance, masterPassword(instance), InstanceIds.userName(request.getBindingId()));
    return DeleteServiceInstanceBindingResponse.builder().build();
  }

  /** The instance, if it can take database work now: it exists, no flow runs, it is available. */
  private RdsInstance availableInstance(String osbInstanceId) {
    Inspection inspection;
    try {
      inspection = engine.inspect(InstanceIds.rdsId(osbInstanceId));
    } catch (InstanceNotFoundException e) {
      throw new ServiceInstanceDoesNotExistException(osbInstanceId);
    }
    RdsServiceInstanceService.refuseWhileAFlowRuns(inspection);
    if (!inspection.instance().isAvailable()) {
      throw new ServiceBrokerConcurrencyException("instance " + inspection.instance().id() + " is "
          + inspection.instance().status() + "; bind again once it is available");
    }
    return inspection.instance();
  }

  private String masterPassword(RdsInstance instance) {
    return passwords.password(instance.id(), instance.masterUsername().orElse(BrokerConfiguration.MASTER_USER));
  }
}
