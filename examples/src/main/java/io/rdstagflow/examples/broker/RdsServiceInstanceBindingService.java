package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.TagStateMachine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerConcurrencyException;
import org.springframework.cloud.servicebroker.exception.ServiceInstanceBindingDoesNotExistException;
import org.springframework.cloud.servicebroker.exception.ServiceInstanceBindingExistsException;
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
 * Bind and unbind, keeping no state of their own: a binding is a database login user whose name
 * comes from the binding id, whose password comes from the {@link PasswordSource} (deterministic,
 * so a repeated bind gives the same credentials) and whose comment holds the digest of the bind
 * request ({@link RequestDigest}), so a repeated bind is told from a conflicting one. Unbind locks
 * the user; a binding whose user is missing or locked does not exist. The password appears in the
 * bind response's credentials, by design, and nowhere else.
 */
@Service
public class RdsServiceInstanceBindingService implements ServiceInstanceBindingService {

  /** The start of the comment on a binding's user; the request digest follows. */
  public static final String COMMENT_PREFIX = "rdstagflow-binding sha256:";

  private static final Logger log = LoggerFactory.getLogger(RdsServiceInstanceBindingService.class);

  private final TagStateMachine engine;
  private final PasswordSource passwords;
  private final DatabaseUsers users;

  /** The service over this engine, password source and database work. */
  public RdsServiceInstanceBindingService(TagStateMachine engine, PasswordSource passwords, DatabaseUsers users) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.passwords = Objects.requireNonNull(passwords, "passwords");
    this.users = Objects.requireNonNull(users, "users");
  }

  /** The cluster engine, for bindings of the Aurora service's clusters; absent without it. */
  private AuroraClusters aurora;

  /** Binds the Aurora service's instances ({@link AuroraCatalog#SERVICE_ID}) on the cluster engine. */
  @Autowired(required = false)
  void setAurora(AuroraClusters aurora) {
    this.aurora = aurora;
  }

  @Override
  public Mono<CreateServiceInstanceBindingResponse> createServiceInstanceBinding(
      CreateServiceInstanceBindingRequest request) {
    return Mono.fromCallable(() -> bind(request)).subscribeOn(Schedulers.boundedElastic());
  }

  private CreateServiceInstanceBindingResponse bind(CreateServiceInstanceBindingRequest request) {
    RdsInstance instance = availableInstance(request.getServiceDefinitionId(), request.getServiceInstanceId())
        .orElseThrow(() -> new ServiceInstanceDoesNotExistException(request.getServiceInstanceId()));
    String user = InstanceIds.userName(request.getBindingId());
    String password = passwords.password(instance.id(), user);
    String comment = COMMENT_PREFIX + RequestDigest.of(attributes(request));
    Optional<DatabaseUsers.Login> existing = users.login(instance, masterPassword(instance), user)
        .filter(DatabaseUsers.Login::canLogin);
    if (existing.isPresent() && !existing.get().comment().equals(comment)) {
      // OSB: a binding with this id exists with other attributes.
      throw new ServiceInstanceBindingExistsException(request.getServiceInstanceId(), request.getBindingId());
    }
    if (existing.isEmpty()) {
      users.createLogin(instance, masterPassword(instance), user, password, comment);
    }

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
    // OSB: 201 for a new binding, 200 for an identical one that exists.
    return CreateServiceInstanceAppBindingResponse.builder().credentials(credentials)
        .bindingExisted(existing.isPresent()).build();
  }

  /** What makes two bind requests the same binding: the app, the bind resource and the parameters. */
  private static Map<String, Object> attributes(CreateServiceInstanceBindingRequest request) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("app_guid", request.getAppGuid());
    if (request.getBindResource() != null) {
      Map<String, Object> resource = new LinkedHashMap<>(request.getBindResource().getProperties());
      resource.put("app_guid", request.getBindResource().getAppGuid());
      resource.put("route", request.getBindResource().getRoute());
      attributes.put("bind_resource", resource);
    }
    attributes.put("parameters", request.getParameters());
    return attributes;
  }

  @Override
  public Mono<DeleteServiceInstanceBindingResponse> deleteServiceInstanceBinding(
      DeleteServiceInstanceBindingRequest request) {
    return Mono.fromCallable(() -> unbind(request)).subscribeOn(Schedulers.boundedElastic());
  }

  private DeleteServiceInstanceBindingResponse unbind(DeleteServiceInstanceBindingRequest request) {
    String user = InstanceIds.userName(request.getBindingId());
    // OSB: 410 Gone for a binding that does not exist; an instance that does not exist has none.
    Optional<RdsInstance> instance = availableInstance(request.getServiceDefinitionId(), request.getServiceInstanceId());
    boolean bound = instance.flatMap(i -> users.login(i, masterPassword(i), user)).map(DatabaseUsers.Login::canLogin)
        .orElse(false);
    if (!bound) {
      // Spring Cloud Open Service Broker answers it 410 without logging it: one INFO line here.
      log.info("410: binding {} of instance {} does not exist", request.getBindingId(), request.getServiceInstanceId());
      throw new ServiceInstanceBindingDoesNotExistException(request.getBindingId());
    }
    users.lockLogin(instance.get(), masterPassword(instance.get()), user);
    return DeleteServiceInstanceBindingResponse.builder().build();
  }


  /**
   * The instance (the cluster, for the Aurora service), if it exists, when it can take database
   * work now: no flow runs, it is available.
   */
  private Optional<RdsInstance> availableInstance(String serviceId, String osbInstanceId) {
    TagStateMachine engine = aurora != null && AuroraClusters.isAurora(serviceId) ? aurora.engine() : this.engine;
    Inspection inspection;
    try {
      inspection = engine.inspect(InstanceIds.rdsId(osbInstanceId));
    } catch (InstanceNotFoundException e) {
      return Optional.empty();
    }
    RdsServiceInstanceService.refuseWhileAFlowRuns(inspection);
    if (!inspection.instance().isAvailable()) {
      throw new ServiceBrokerConcurrencyException("instance " + inspection.instance().id() + " is "
          + inspection.instance().status() + "; try again once it is available");
    }
    return Optional.of(inspection.instance());
  }

  private String masterPassword(RdsInstance instance) {
    return passwords.password(instance.id(), instance.masterUsername().orElse(BrokerConfiguration.MASTER_USER));
  }
}
