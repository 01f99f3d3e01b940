package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.RdsStarter;
import io.rdstagflow.aws.ReadyFlows;
import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.TagStateMachine;
import io.rdstagflow.examples.broker.RdsCatalog.PlanSpec;
import io.rdstagflow.spring.servicebroker.ServiceBrokerLastOperation;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerAsyncRequiredException;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerConcurrencyException;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidParametersException;
import org.springframework.cloud.servicebroker.exception.ServiceDefinitionPlanDoesNotExistException;
import org.springframework.cloud.servicebroker.exception.ServiceInstanceDoesNotExistException;
import org.springframework.cloud.servicebroker.exception.ServiceInstanceExistsException;
import org.springframework.cloud.servicebroker.model.instance.CreateServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.CreateServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.DeleteServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.DeleteServiceInstanceResponse;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationRequest;
import org.springframework.cloud.servicebroker.model.instance.GetLastServiceOperationResponse;
import org.springframework.cloud.servicebroker.model.instance.UpdateServiceInstanceRequest;
import org.springframework.cloud.servicebroker.model.instance.UpdateServiceInstanceResponse;
import org.springframework.cloud.servicebroker.service.ServiceInstanceService;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;

/**
 * Provision, update, deprovision and last_operation for RDS PostgreSQL instances. Every operation
 * is asynchronous and its state lives in the instance's tags; this class keeps none.
 *
 * <p>The engine's calls block on RDS, so each runs on {@link Schedulers#boundedElastic()}, never on
 * the thread that serves the reactive interface.
 */
@Service
public class RdsServiceInstanceService implements ServiceInstanceService {

  /** The one provisioning parameter. */
  public static final String RESTORE_FROM_SNAPSHOT = "restore_from_snapshot";

  // RDS snapshot identifiers: a letter, then letters, digits and single hyphens, at most 255.
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z](-?[A-Za-z0-9])*");

  private static final Logger log = LoggerFactory.getLogger(RdsServiceInstanceService.class);

  /** The flows that provision an instance: an identical provision request answers for them. */
  private static final Set<String> PROVISIONING_FLOWS = Set.of(ReadyFlows.RESTORE_FROM_SNAPSHOT, ExampleFlows.CREATE);

  private final TagStateMachine engine;
  private final RdsClient rds;
  private final RdsStarter starter;
  private final OwnedSnapshots snapshots;
  private final PasswordSource passwords;
  private final BrokerProperties properties;
  private final OsbProperties osb;
  private final ServiceBrokerLastOperation lastOperations;

  /** The service over this engine and starter. */
  public RdsServiceInstanceService(TagStateMachine engine, RdsClient rds, RdsStarter starter,
      OwnedSnapshots snapshots, PasswordSource passwords, BrokerProperties properties, OsbProperties osb,
      ServiceBrokerLastOperation lastOperations) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.rds = Objects.requireNonNull(rds, "rds");
    this.starter = Objects.requireNonNull(starter, "starter");
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.passwords = Objects.requireNonNull(passwords, "passwords");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.osb = Objects.requireNonNull(osb, "osb");
    this.lastOperations = Objects.requireNonNull(lastOperations, "lastOperations");
  }

  @Override
  public Mono<CreateServiceInstanceResponse> createServiceInstance(CreateServiceInstanceRequest request) {
    return blocking(() -> provision(request));
  }

  private CreateServiceInstanceResponse provision(CreateServiceInstanceRequest request) {
    requireAsync(request.isAsyncAccepted());
    String id = InstanceIds.rdsId(request.getServiceInstanceId());
    PlanSpec plan = plan(request.getPlanId());
    Optional<String> snapshot = snapshotParameter(request.getParameters());
    OwnerTags owner = OwnerTags.of(osb.name(), request.getServiceDefinitionId(), plan.id(),
        request.getOrganizationGuid(), request.getSpaceGuid(), request.getParameters());
    Optional<Inspection> existing = describe(id);
    if (existing.isPresent()) {
      return provisionedAlready(request, existing.get(), owner);
    }
    snapshot.ifPresent(s -> snapshots.requireRestorable(s, owner)); // 400 for a snapshot that is not the owner's
    OperationToken token;
    try {
      if (snapshot.isPresent()) {
        token = starter.restoreFromSnapshot(ReadyFlows.RESTORE_FROM_SNAPSHOT, Map.of(), restore -> restore
            .dbInstanceIdentifier(id)
            .dbSnapshotIdentifier(snapshot.get())
            .dbInstanceClass(plan.instanceClass())
            .copyTagsToSnapshot(true) // the owner tags go with every snapshot
            .tags(owner.asSdkTags()));
      } else {
        token = starter.create(ExampleFlows.CREATE, Map.of(), create -> create
            .dbInstanceIdentifier(id)
            .engine("postgres")
            .dbInstanceClass(plan.instanceClass())
            .allocatedStorage(plan.storageGib())
            .masterUsername(BrokerConfiguration.MASTER_USER)
            .masterUserPassword(passwords.password(id, BrokerConfiguration.MASTER_USER))
            .dbParameterGroupName(properties.parameterGroup())
            .backupRetentionPeriod(7)
            .copyTagsToSnapshot(true)
            .tags(owner.asSdkTags()));
      }
    } catch (DbSnapshotNotFoundException e) {
      throw OwnedSnapshots.notFound(snapshot.orElse(""));
    } catch (DbInstanceAlreadyExistsException e) {
      // Created between our describe and our call (a platform retrying at once): answer for it.
      return provisionedAlready(request, describe(id).orElseThrow(() -> new ServiceBrokerConcurrencyException(
          "instance " + id + " is being created by another request; try again")), owner);
    }
    return CreateServiceInstanceResponse.builder().async(true).operation(token.encode()).build();
  }

  /**
   * OSB's answer for a provision request of an instance that exists: 202 with the original
   * operation while it provisions (and when it failed, so the poll reports it), 200 once it has
   * been provisioned, 409 if it was provisioned with other attributes (or is not this broker's).
   */
  private CreateServiceInstanceResponse provisionedAlready(CreateServiceInstanceRequest request,
      Inspection inspection, OwnerTags requested) {
    Optional<OwnerTags> recorded = OwnerTags.from(inspection.instance().tags());
    if (recorded.isEmpty() || !recorded.get().equals(requested)) {
      throw new ServiceInstanceExistsException(request.getServiceInstanceId(), request.getServiceDefinitionId());
    }
    if ("deleting".equals(inspection.instance().status())) {
      throw new ServiceBrokerConcurrencyException("instance " + inspection.instance().id() + " is being deleted");
    }
    Optional<Inspection.OperationView> provisioning = inspection.runningOperation()
        .or(() -> inspection.operation().filter(op -> op.state() != Inspection.OperationState.SUCCEEDED))
        .filter(op -> PROVISIONING_FLOWS.contains(op.flowName()));
    if (provisioning.isPresent()) {
      return CreateServiceInstanceResponse.builder().async(true).operation(provisioning.get().token().encode())
          .build();
    }
    return CreateServiceInstanceResponse.builder().async(false).instanceExisted(true).build();
  }

  @Override
  public Mono<UpdateServiceInstanceResponse> updateServiceInstance(UpdateServiceInstanceRequest request) {
    return blocking(() -> update(request));
  }

  private UpdateServiceInstanceResponse update(UpdateServiceInstanceRequest request) {
    requireAsync(request.isAsyncAccepted());
    String id = InstanceIds.rdsId(request.getServiceInstanceId());
    PlanSpec plan = plan(request.getPlanId());
    if (request.getParameters() != null && !request.getParameters().isEmpty()) {
      throw new ServiceBrokerInvalidParametersException("update takes no parameters, only a new plan; got "
          + new TreeSet<>(request.getParameters().keySet()));
    }
    Inspection inspection = describe(id)
        .orElseThrow(() -> new ServiceInstanceDoesNotExistException(request.getServiceInstanceId()));
    refuseWhileAFlowRuns(inspection);
    if (plan.id().equals(inspection.instance().tags().get(OwnerTags.PLAN_ID))) {
      return UpdateServiceInstanceResponse.builder().async(false).build(); // on that plan already: nothing to change
    }
    try {
      OperationToken token = engine.beginAndPoll(id, ReadyFlows.UPDATE_PLAN, Map.of(
          ExampleFlows.INSTANCE_CLASS, plan.instanceClass(),
          ExampleFlows.STORAGE_GIB, Integer.toString(plan.storageGib()),
          RecordPlanStep.PLAN_ID, plan.id()));
      return UpdateServiceInstanceResponse.builder().async(true).operation(token.encode()).build();
    } catch (ConcurrentOperationException e) {
      throw new ServiceBrokerConcurrencyException(e.getMessage());
    } catch (InstanceNotFoundException e) {
      throw new ServiceInstanceDoesNotExistException(request.getServiceInstanceId());
    }
  }

  @Override
  public Mono<DeleteServiceInstanceResponse> deleteServiceInstance(DeleteServiceInstanceRequest request) {
    return blocking(() -> deprovision(request));
  }

  private DeleteServiceInstanceResponse deprovision(DeleteServiceInstanceRequest request) {
    requireAsync(request.isAsyncAccepted());
    String id = InstanceIds.rdsId(request.getServiceInstanceId());
    Optional<Inspection> found = describe(id);
    if (found.isEmpty()) {
      // Spring Cloud Open Service Broker answers it 410 without logging it: one INFO line here.
      log.info("410: instance {} does not exist", id);
      throw new ServiceInstanceDoesNotExistException(request.getServiceInstanceId()); // OSB: 410
    }
    Inspection inspection = found.get();
    if ("deleting".equals(inspection.instance().status())) {
      // Asked again while it runs: OSB wants the original operation, which the instance's tag keeps.
      String original = inspection.instance().tags().getOrDefault(OwnerTags.DELETION, engine.deletionToken().encode());
      return DeleteServiceInstanceResponse.builder().async(true).operation(original).build();
    }
    refuseWhileAFlowRuns(inspection);
    OperationToken token = engine.deletionToken();
    rds.addTagsToResource(r -> r.resourceName(inspection.instance().arn())
        .tags(t -> t.key(OwnerTags.DELETION).value(token.encode())));
    // An example: no final snapshot. A production broker would likely keep one.
    starter.delete(id, delete -> delete.skipFinalSnapshot(true));
    return DeleteServiceInstanceResponse.builder().async(true).operation(token.encode()).build();
  }

  // README: "The LastOperation handler" is taken from here to the end of getLastOperation.
  @Override
  public Mono<GetLastServiceOperationResponse> getLastOperation(GetLastServiceOperationRequest request) {
    // The starter's OSB answer: state and description, 410 for a deletion that succeeded, 404 for an
    // instance that does not exist, Retry-After on every in-progress answer, 400 for an operation
    // that is not a token (before any RDS call), 500 for an RDS call refused for good.
    return lastOperations.answer(InstanceIds.rdsId(request.getServiceInstanceId()), request.getOperation());
  }
  // README: end of "The LastOperation handler".

  /**
   * Refuses, with OSB's 422 ConcurrencyError, while a flow runs on the instance: its steps would
   * race the new request.
   */
  static void refuseWhileAFlowRuns(Inspection inspection) {
    inspection.runningOperation().ifPresent(op -> {
      String step = op.steps().stream().filter(s -> s.state() != Inspection.StepState.DONE).map(s -> s.name())
          .findFirst().orElse("-");
      throw new ServiceBrokerConcurrencyException("operation " + op.flowName() + " is still in progress on instance "
          + inspection.instance().id() + " (step " + step + ", until " + op.flowDeadline() + " at the latest)");
    });
  }

  private Optional<Inspection> describe(String id) {
    try {
      return Optional.of(engine.inspect(id));
    } catch (InstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  private static void requireAsync(boolean asyncAccepted) {
    if (!asyncAccepted) {
      throw new ServiceBrokerAsyncRequiredException("RDS operations take minutes: send accepts_incomplete=true");
    }
  }

  private static PlanSpec plan(String planId) {
    // Spring Cloud Open Service Broker checks plan ids against the catalog; this guards the mapping.
    return RdsCatalog.plan(planId).orElseThrow(() -> new ServiceDefinitionPlanDoesNotExistException(planId));
  }

  static Optional<String> snapshotParameter(Map<String, Object> parameters) {
    if (parameters == null || parameters.isEmpty()) {
      return Optional.empty();
    }
    Set<String> unknown = new TreeSet<>(parameters.keySet());
    unknown.remove(RESTORE_FROM_SNAPSHOT);
    if (!unknown.isEmpty()) {
      throw new ServiceBrokerInvalidParametersException("unknown parameters " + unknown + "; this broker accepts only "
          + RESTORE_FROM_SNAPSHOT);
    }
    Object value = parameters.get(RESTORE_FROM_SNAPSHOT);
    if (!(value instanceof String snapshot) || snapshot.length() > 255 || !SNAPSHOT_ID.matcher(snapshot).matches()) {
      throw new ServiceBrokerInvalidParametersException(RESTORE_FROM_SNAPSHOT + " must be a snapshot identifier: a"
          + " letter, then letters, digits and single hyphens");
    }
    return Optional.of(snapshot);
  }

  private static <T> Mono<T> blocking(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
