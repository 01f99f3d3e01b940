package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.ReadyClusterFlows;
import io.rdstagflow.core.ConcurrentOperationException;
import io.rdstagflow.core.Inspection;
import io.rdstagflow.core.InstanceNotFoundException;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.examples.broker.AuroraCatalog.AuroraPlan;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
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
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;

/**
 * Provision, update, deprovision and last_operation for the Aurora PostgreSQL service
 * ({@link AuroraCatalog}): a cluster per service instance, its operations' state in the cluster's
 * tags, polled by the cluster engine. {@link ServiceRouting} hands it every request for
 * the Aurora service's id, so both services answer through the same OSB handlers, with the same
 * rules (the same owner tags, the same answers to repeated and conflicting requests, 422 while a
 * flow runs). Keeps no state.
 *
 * <ul>
 *   <li>Provision restores the cluster from a cluster snapshot of this broker's, of the same
 *       organization, space and plan ({@code {"restore_from_snapshot": "<cluster snapshot id>"}}),
 *       or creates one; either way the flow creates the writer (and the plan's readers), sets the
 *       cluster parameter group and backups, and after a restore the master password and the
 *       bound users.
 *   <li>Update changes the plan: the members' class, one at a time, the writer last, and the
 *       readers the new plan adds.
 *   <li>Deprovision deletes the members, then the cluster (a deletion flow): a repeated deprovision
 *       while it runs answers the same {@code operation}; polled, it ends {@code 410 Gone}.
 * </ul>
 */
@Component
public class AuroraServiceInstanceService {

  private static final Logger log = LoggerFactory.getLogger(AuroraServiceInstanceService.class);

  /** The flows that provision a cluster: an identical provision request answers for them. */
  private static final Set<String> PROVISIONING_FLOWS = Set.of(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT,
      AuroraFlows.CREATE);

  private final AuroraClusters clusters;
  private final OwnedClusterSnapshots snapshots;
  private final PasswordSource passwords;
  private final AuroraProperties properties;
  private final OsbProperties osb;

  /** The service over the cluster engine and starter. */
  public AuroraServiceInstanceService(AuroraClusters clusters, OwnedClusterSnapshots snapshots,
      PasswordSource passwords, AuroraProperties properties, OsbProperties osb) {
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.passwords = Objects.requireNonNull(passwords, "passwords");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.osb = Objects.requireNonNull(osb, "osb");
  }

  /**
   * Whether a {@code last_operation} request is the Aurora service's: by its {@code service_id},
   * or, when the platform left it out (OSB makes it optional there), by the operation's flow.
   */
  public boolean answers(GetLastServiceOperationRequest request) {
    if (request.getServiceDefinitionId() != null) {
      return AuroraClusters.isAurora(request.getServiceDefinitionId());
    }
    String operation = request.getOperation();
    if (operation == null || operation.isEmpty()) {
      return false;
    }
    try {
      Optional<String> flow = OperationToken.parse(operation).flowName();
      if (flow.isEmpty()) {
        return false;
      }
      clusters.engine().flow(flow.get()); // a cluster flow's name: the cluster engine has it
      return true;
    } catch (RuntimeException e) {
      return false; // not a token (the instance service answers 400), or not a cluster flow's
    }
  }

  /** Provision: a restore from a cluster snapshot or a create, with the plan's members. */
  public Mono<CreateServiceInstanceResponse> createServiceInstance(CreateServiceInstanceRequest request) {
    return blocking(() -> provision(request));
  }

  private CreateServiceInstanceResponse provision(CreateServiceInstanceRequest request) {
    requireAsync(request.isAsyncAccepted());
    String id = InstanceIds.rdsId(request.getServiceInstanceId());
    AuroraPlan plan = plan(request.getPlanId());
    Optional<String> snapshot = RdsServiceInstanceService.snapshotParameter(request.getParameters());
    OwnerTags owner = OwnerTags.of(osb.name(), request.getServiceDefinitionId(), plan.id(),
        request.getOrganizationGuid(), request.getSpaceGuid(), request.getParameters());
    Optional<Inspection> existing = describe(id);
    if (existing.isPresent()) {
      return provisionedAlready(request, existing.get(), owner);
    }
    snapshot.ifPresent(s -> snapshots.requireRestorable(s, owner));
    Map<String, String> members = Map.of(AuroraFlows.INSTANCE_CLASS, plan.instanceClass(),
        AuroraFlows.READERS, Integer.toString(plan.readers()));
    OperationToken token;
    try {
      if (snapshot.isPresent()) {
        token = clusters.starter().restoreFromSnapshot(ReadyClusterFlows.RESTORE_FROM_SNAPSHOT, members, restore -> restore
            .dbClusterIdentifier(id)
            .snapshotIdentifier(snapshot.get())
            .engine(AuroraFlows.ENGINE)
            .copyTagsToSnapshot(true) // the owner tags go with every snapshot
            .tags(owner.asSdkTags()));
      } else {
        token = clusters.starter().create(AuroraFlows.CREATE, members, create -> create
            .dbClusterIdentifier(id)
            .engine(AuroraFlows.ENGINE)
            .masterUsername(BrokerConfiguration.MASTER_USER)
            .masterUserPassword(passwords.password(id, BrokerConfiguration.MASTER_USER))
            .dbClusterParameterGroupName(properties.clusterParameterGroup())
            .backupRetentionPeriod(7)
            .copyTagsToSnapshot(true)
            .tags(owner.asSdkTags()));
      }
    } catch (DbClusterSnapshotNotFoundException e) {
      throw OwnedSnapshots.notFound(snapshot.orElse(""));
    } catch (DbClusterAlreadyExistsException e) {
      return provisionedAlready(request, describe(id).orElseThrow(() -> new ServiceBrokerConcurrencyException(
          "cluster " + id + " is being created by another request; try again")), owner);
    }
    return CreateServiceInstanceResponse.builder().async(true).operation(token.encode()).build();
  }

  /** As the instance service answers a provision of an instance that exists: 202, 200 or 409. */
  private CreateServiceInstanceResponse provisionedAlready(CreateServiceInstanceRequest request,
      Inspection inspection, OwnerTags requested) {
    Optional<OwnerTags> recorded = OwnerTags.from(inspection.instance().tags());
    if (recorded.isEmpty() || !recorded.get().equals(requested)) {
      throw new ServiceInstanceExistsException(request.getServiceInstanceId(), request.getServiceDefinitionId());
    }
    if (deletion(inspection).isPresent()) {
      throw new ServiceBrokerConcurrencyException("cluster " + inspection.instance().id() + " is being deleted");
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

  /** Update: the plan's members (class, readers); begun and polled in the request. */
  public Mono<UpdateServiceInstanceResponse> updateServiceInstance(UpdateServiceInstanceRequest request) {
    return blocking(() -> update(request));
  }

  private UpdateServiceInstanceResponse update(UpdateServiceInstanceRequest request) {
    requireAsync(request.isAsyncAccepted());
    String id = InstanceIds.rdsId(request.getServiceInstanceId());
    AuroraPlan plan = plan(request.getPlanId());
    if (request.getParameters() != null && !request.getParameters().isEmpty()) {
      throw new ServiceBrokerInvalidParametersException("update takes no parameters, only a new plan; got "
          + new TreeSet<>(request.getParameters().keySet()));
    }
    Inspection inspection = describe(id)
        .orElseThrow(() -> new ServiceInstanceDoesNotExistException(request.getServiceInstanceId()));
    RdsServiceInstanceService.refuseWhileAFlowRuns(inspection);
    if (plan.id().equals(inspection.instance().tags().get(OwnerTags.PLAN_ID))) {
      return UpdateServiceInstanceResponse.builder().async(false).build();
    }
    try {
      OperationToken token = clusters.engine().beginAndPoll(id, ReadyClusterFlows.UPDATE_PLAN, Map.of(
          AuroraFlows.INSTANCE_CLASS, plan.instanceClass(),
          AuroraFlows.READERS, Integer.toString(plan.readers()),
          RecordPlanStep.PLAN_ID, plan.id())).token();
      return UpdateServiceInstanceResponse.builder().async(true).operation(token.encode()).build();
    } catch (ConcurrentOperationException e) {
      throw new ServiceBrokerConcurrencyException(e.getMessage());
    } catch (InstanceNotFoundException e) {
      throw new ServiceInstanceDoesNotExistException(request.getServiceInstanceId());
    }
  }

  /** Deprovision: the deletion flow, members first. */
  public Mono<DeleteServiceInstanceResponse> deleteServiceInstance(DeleteServiceInstanceRequest request) {
    return blocking(() -> deprovision(request));
  }

  private DeleteServiceInstanceResponse deprovision(DeleteServiceInstanceRequest request) {
    requireAsync(request.isAsyncAccepted());
    String id = InstanceIds.rdsId(request.getServiceInstanceId());
    Optional<Inspection> found = describe(id);
    if (found.isEmpty()) {
      log.info("410: cluster {} does not exist", id);
      throw new ServiceInstanceDoesNotExistException(request.getServiceInstanceId());
    }
    Optional<Inspection.OperationView> deleting = deletion(found.get());
    if (deleting.isPresent()) {
      // Asked again while it runs: the original operation, which the cluster's tags keep.
      return DeleteServiceInstanceResponse.builder().async(true).operation(deleting.get().token().encode()).build();
    }
    RdsServiceInstanceService.refuseWhileAFlowRuns(found.get());
    try {
      OperationToken token = clusters.starter().delete(id, ReadyClusterFlows.DELETE, Map.of());
      return DeleteServiceInstanceResponse.builder().async(true).operation(token.encode()).build();
    } catch (ConcurrentOperationException e) {
      throw new ServiceBrokerConcurrencyException(e.getMessage());
    } catch (InstanceNotFoundException e) {
      throw new ServiceInstanceDoesNotExistException(request.getServiceInstanceId());
    }
  }

  /** The deletion under way on the cluster, if any: running, or ended while the cluster still exists. */
  private static Optional<Inspection.OperationView> deletion(Inspection inspection) {
    return inspection.operation().filter(op -> op.flowName().equals(ReadyClusterFlows.DELETE)
        && (op.state() == Inspection.OperationState.RUNNING || "deleting".equals(inspection.instance().status())));
  }

  /** last_operation: the cluster engine's answer, 410 once a deletion's cluster is gone. */
  public Mono<GetLastServiceOperationResponse> getLastOperation(GetLastServiceOperationRequest request) {
    return clusters.lastOperation().answer(InstanceIds.rdsId(request.getServiceInstanceId()), request.getOperation());
  }

  private Optional<Inspection> describe(String id) {
    try {
      return Optional.of(clusters.engine().inspect(id));
    } catch (InstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  private static void requireAsync(boolean asyncAccepted) {
    if (!asyncAccepted) {
      throw new ServiceBrokerAsyncRequiredException("Aurora operations take minutes: send accepts_incomplete=true");
    }
  }

  private static AuroraPlan plan(String planId) {
    return AuroraCatalog.plan(planId).orElseThrow(() -> new ServiceDefinitionPlanDoesNotExistException(planId));
  }

  private static <T> Mono<T> blocking(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
  }
}
