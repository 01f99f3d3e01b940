package io.rdstagflow.examples.broker;

import io.rdstagflow.aws.ClusterMembers;
import io.rdstagflow.aws.CreateClusterInstancesStep;
import io.rdstagflow.aws.ModifyClusterStep;
import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.aws.ReadyClusterFlows;
import io.rdstagflow.aws.RebootClusterMembersStep;
import io.rdstagflow.aws.users.BoundUsersStep;
import io.rdstagflow.core.Deadline;
import io.rdstagflow.core.Flow;
import io.rdstagflow.core.StepContext;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The broker's four Aurora flows, polled by the cluster engine: {@value ReadyClusterFlows#RESTORE_FROM_SNAPSHOT}
 * and {@value #CREATE} (a provision), {@value ReadyClusterFlows#UPDATE_PLAN} (ending, as the instance
 * plan update does, with the new plan in the cluster's {@value OwnerTags#PLAN_ID} tag) and
 * {@value ReadyClusterFlows#DELETE}. A plan's instance class and reader count travel as flow
 * parameters, so every step computes the same members from the cluster's tags in any broker process.
 */
public final class AuroraFlows {

  /** The flow that follows a CreateDBCluster: the ready restore's member and settings steps, reused. */
  public static final String CREATE = "create-cluster";
  /** Flow parameter: the members' instance class. */
  public static final String INSTANCE_CLASS = "instance-class";
  /** Flow parameter: the readers besides the writer. */
  public static final String READERS = "readers";
  /** The engine of the clusters' members: a new cluster's and a restored one's. */
  public static final String ENGINE = "aurora-postgresql";

  private AuroraFlows() {}

  /**
   * The flows.
   *
   * @param clusterParameterGroup the DB cluster parameter group every cluster gets
   * @param passwords             the source of the new master password after a restore
   * @param users                 the restore's last step, for the users bound in the source database
   */
  public static List<Flow> all(RdsClient rds, String clusterParameterGroup, PasswordSource passwords,
      BoundUsersStep users) {
    BiConsumer<StepContext, ModifyDbClusterRequest.Builder> settings =
        (context, modify) -> modify.dbClusterParameterGroupName(clusterParameterGroup).backupRetentionPeriod(7);
    ClusterMembers members = ClusterMembers.builder()
        .instance((context, create) -> create.dbInstanceClass(context.parameter(INSTANCE_CLASS))
            // the members carry the cluster's owner tags (not the library's): whose they are, at a glance
            .tags(context.instance().tags().entrySet().stream().filter(t -> t.getKey().startsWith("osb:")
                && !t.getKey().equals(OwnerTags.DELETION))
                .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()))
        .readers(context -> Integer.parseInt(context.parameter(READERS)))
        .build();

    Flow restore = ReadyClusterFlows.restoreFromSnapshot(rds)
        .members(members)
        .settings(settings)
        .masterPassword(passwords)
        .boundUsers(users)
        .build();
    ModifyClusterStep createdSettings = ModifyClusterStep.builder(rds).settings(settings).build();
    Flow create = Flow.builder(CREATE)
        .step(CreateClusterInstancesStep.writer(rds, members))
        .step(CreateClusterInstancesStep.readers(rds, members))
        .step(createdSettings)
        .step(new RebootClusterMembersStep(rds))
        .build();
    Flow update = ReadyClusterFlows.updatePlan(rds)
        .instanceClass(context -> context.parameter(INSTANCE_CLASS))
        .members(members)
        .stepDeadline(Deadline.of(Duration.ofHours(4))) // every member in turn
        .then(new RecordPlanStep(rds))
        .build();
    // An example: no final snapshot. A production broker would likely keep one (finalSnapshot(...)).
    Flow delete = ReadyClusterFlows.delete(rds).skipFinalSnapshot().build();
    return List.of(restore, create, update, delete);
  }
}
